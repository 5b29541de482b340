/**
 * Phrases that make a description talk to the model instead of about the tool: pseudo-system
 * markup, "ignore previous instructions", directives addressed to the assistant, preconditions
 * ("before using this tool…"), concealment from the person, steering away from other servers'
 * tools, download-and-run commands, and directives hidden in HTML or markdown comments.
 *
 * Each rule is a signal. Some are damning alone (`high`). Most are ordinary enough in honest
 * documentation that alone they only `warn`, and become `high` when the same string also carries
 * a damning signal, an outside address to send data to, a secret file to read, an encoded
 * instruction, or three different kinds of directive at once: injected instructions rarely come
 * alone. Naming another server's tool while giving orders is shadowing, and `high` as well.
 *
 * Patterns use bounded windows (`{0,60}`) and no nested quantifiers over overlapping classes,
 * so each runs in linear time on hostile input.
 */
import type { FindingKind } from '../types';
import type { Profile } from './words';

export type SignalClass =
  | 'markup'
  | 'override'
  | 'addressed'
  | 'precondition'
  | 'pressure'
  | 'padding'
  | 'concealment'
  | 'quiet'
  | 'steering'
  | 'cross-server'
  | 'whenever'
  | 'shell'
  | 'exfil-destination'
  | 'tool-call';

/**
 * `high`: serious alone. `escalate`: warn alone, high next to a damning signal. `quiet`: info
 * alone, warn next to any directive. `signal`: never reported, only weighs on the others.
 */
export type Grade = 'high' | 'escalate' | 'quiet' | 'signal';

export interface PhraseRule {
  signal: SignalClass;
  kind?: FindingKind;
  grade: Grade;
  pattern: RegExp;
  message: string;
  /**
   * The pattern cannot match unless the text has one of these words (lower case, split at
   * anything but letters and digits) or contains one of these non-word strings. Checking that
   * first spares most strings most patterns.
   */
  anchors: readonly string[];
}

const ASSISTANT = '(?:assistant|ai|llm|agent|claude|gpt|chatgpt|copilot|gemini|bot)';
const IDENTIFIER = '[`\'"]?[A-Za-z][A-Za-z0-9]*(?:[_.-][A-Za-z0-9]+)+';
const NEGATION = "(?:never|do\\s+not|don't|must\\s+not|should\\s+not|avoid)";
const TOOLISH = '(?:tools?|servers?|functions?|plugins?|integrations?)';
const OTHERISH = '(?:any|the|other|another|built-?in|default|native|standard|existing|similar|competing|third-party)';

function rule(signal: SignalClass, kind: FindingKind | undefined, grade: Grade, anchors: string, source: string, message: string): PhraseRule {
  return { signal, ...(kind ? { kind } : {}), grade, pattern: new RegExp(source, 'gi'), message, anchors: anchors.split(' ') };
}

/** Words of `ASSISTANT`, plurals included, and `language` for "language model". */
const ASSISTANT_WORDS = 'assistant assistants ai ais llm llms agent agents claude gpt chatgpt copilot gemini bot bots language';

export const PHRASE_RULES: readonly PhraseRule[] = [
  // ── Markup posing as the system ──
  rule(
    'markup',
    'hidden-instruction',
    'high',
    '<',
    '<\\s*(?:\\/\\s*)?(?:important|system|sys|instructions?|admin(?:istrator)?|secret|hidden|assistant|developer|override|critical|mandatory)\\b[^<>\\n]{0,60}>',
    'A pseudo-tag such as <IMPORTANT> marks out instructions aimed at the model.',
  ),
  rule(
    'markup',
    'hidden-instruction',
    'high',
    '< [',
    '<\\|(?:im_start|im_end|system|user|assistant|endoftext|begin_of_text|start_header_id|end_header_id|eot_id)\\|>|\\[\\/?INST\\]|<<\\/?SYS>>',
    'A chat-template token tries to open a new system or assistant turn inside the text.',
  ),
  rule(
    'markup',
    'hidden-instruction',
    'high',
    '[',
    `\\[\\s*(?:system|admin(?:istrator)?|developer|operator|${ASSISTANT}|model)(?:[\\s_-]+(?:note|message|prompt|instructions?|override|notice|directive|update|command))?\\s*\\]|\\[\\s*note\\s+(?:to|for)\\s+(?:the\\s+)?${ASSISTANT}\\s*\\]`,
    'A bracketed label such as [SYSTEM NOTE] poses as a message from the system rather than from the tool.',
  ),
  rule('addressed', 'hidden-instruction', 'escalate', '[', '\\[\\s*(?:important|critical|mandatory|attention)\\s*\\]', 'A bracketed [IMPORTANT] label flags text meant to override how the model behaves.'),
  rule('addressed', 'hidden-instruction', 'escalate', 'system developer', '(?:^|\\n)[ \\t]*(?:system|developer)(?:\\s+(?:prompt|message|note))?\\s*:', 'A line poses as a system or developer message.'),

  // ── Overriding the model's instructions ──
  rule(
    'override',
    'hidden-instruction',
    'high',
    'ignore disregard forget override overrule bypass discard circumvent',
    "\\b(?:ignore|disregard|forget|override|overrule|bypass|discard|circumvent)\\s+(?:(?:all|any|the|your|these|those|previous|prior|earlier|above|preceding|existing|other|former|original|safety|system|user'?s?|of)\\s+){0,4}(?:instructions?|rules|guidelines|directions|directives|prompts?|system\\s+prompt|polic(?:y|ies)|guardrails|restrictions|constraints|confirmations?|approvals?|safeguards?)\\b",
    'Tells the model to ignore its instructions or safeguards.',
  ),
  rule(
    'override',
    'hidden-instruction',
    'high',
    'now new real actual true updated act mode',
    "\\byou\\s+are\\s+now\\s+(?:an?\\s+|the\\s+|in\\s+|acting|operating|free|allowed|authori[sz]ed|permitted|unrestricted)|\\bfrom\\s+now\\s+on\\b|\\bnew\\s+(?:system\\s+)?(?:instructions?|rules|directives)\\s*:|\\b(?:your|the)\\s+(?:new|real|actual|true|updated)\\s+(?:instructions|task|goal|role|purpose|objective)\\b|\\bact\\s+as\\s+(?:an?\\s+)?(?:admin(?:istrator)?|root|superuser|system|unrestricted)\\b|\\b(?:jailbreak|god|DAN)\\s+mode\\b",
    'Tries to give the model a new role or new instructions.',
  ),
  rule(
    'override',
    'hidden-instruction',
    'high',
    'approved preapproved autoapproved authorized authorised preauthorized preauthorised follow obey apply respect',
    "\\b(?:pre-?approved|pre-?authori[sz]ed|auto-?approved)\\b|\\b(?:is|are|has\\s+been|have\\s+been)\\s+(?:already\\s+)?(?:approved|authori[sz]ed)\\s+(?:by|for)\\s+(?:the\\s+)?(?:user|admin(?:istrator)?|system|operator|every|all|any)\\b|\\b(?:do\\s+not|don't|never|no\\s+need\\s+to)\\s+(?:follow|obey|apply|respect)\\s+(?:the\\s+|any\\s+|your\\s+)?(?:previous|prior|system|safety|user'?s?|original|other)\\b",
    'Claims approval the person never gave, or tells the model not to follow its rules.',
  ),

  // ── Talking to the model ──
  rule(
    'addressed',
    'hidden-instruction',
    'escalate',
    ASSISTANT_WORDS,
    `\\b(?:note|message|instructions?|reminder|memo|notice|hint)s?\\s+(?:for|to)\\s+(?:the\\s+|all\\s+|any\\s+)?${ASSISTANT}s?\\b|\\b(?:dear|hey|hi|hello|attention)\\s*,?\\s+${ASSISTANT}\\b|\\bif\\s+you\\s+are\\s+(?:an?\\s+)?(?:${ASSISTANT}|language\\s+model)\\b`,
    'Addresses the model directly instead of describing the tool.',
  ),
  rule(
    'addressed',
    'hidden-instruction',
    'escalate',
    ASSISTANT_WORDS,
    `(?<=(?:^|[\\n.;!?]|<!--)[ \\t]{0,5})${ASSISTANT}\\s*:|\\b(?:the\\s+)?(?:${ASSISTANT}|language\\s+model)\\s+(?:must|should|shall|needs?\\s+to|has\\s+to|is\\s+(?:required|instructed|expected)\\s+to)\\b`,
    'Gives the model an order in its own name.',
  ),
  rule(
    'precondition',
    'hidden-instruction',
    'escalate',
    'before',
    '\\bbefore\\s+(?:using|calling|invoking|running|executing|rendering|responding|answering|replying|proceeding|continuing|doing\\s+anything|any\\s+other|you\\s+(?:use|call|respond|answer|reply|do|continue|proceed))\\b',
    'Sets a precondition the model must meet before using a tool or answering.',
  ),
  rule(
    'precondition',
    'hidden-instruction',
    'escalate',
    'always must first sure remember forget',
    "\\b(?:always|must|first|you\\s+must|make\\s+sure\\s+(?:to|you)|be\\s+sure\\s+to|remember\\s+to|don't\\s+forget\\s+to)\\s+(?:first\\s+|also\\s+|always\\s+)?(?:call|read|run|invoke|execute|fetch|send|append|attach|upload|copy|forward|e-?mail|post|add|cat|open|load|export|dump|print|reveal|share|cc|bcc)\\b",
    'Gives the model a standing order to perform an extra action.',
  ),
  rule(
    'pressure',
    'hidden-instruction',
    'escalate',
    'error errors fail fails crash crashes break breaks work compliance security legal regulatory mandatory required audit',
    "\\b(?:the\\s+)?(?:tool|request|call|function)\\s+(?:will\\s+)?(?:errors?|fails?|crash(?:es)?|breaks?|(?:will\\s+)?not\\s+work|won't\\s+work|does\\s+not\\s+work|doesn't\\s+work)\\s+(?:without|unless|if\\s+(?:you\\s+)?(?:do\\s+not|don't))\\b|\\bthis\\s+is\\s+(?:a\\s+)?(?:strict\\s+)?(?:compliance|security|legal|regulatory|mandatory|required|audit)\\s+(?:requirement|policy|measure|rule|obligation)\\b",
    'Pressures the model with a claimed failure or requirement.',
  ),
  rule('padding', 'hidden-instruction', 'escalate', '\n', '(?<![ \\t\\n])(?:[ \\t]*\\n){10,}(?=[ \\t]*\\S)', 'Text continues after many blank lines, below what a short preview shows.'),
  rule(
    'shell',
    'hidden-instruction',
    'high',
    'curl wget iwr irm invoke iex base64',
    '\\b(?:curl|wget|iwr|irm|invoke-webrequest|invoke-restmethod)\\b[^\\n|;]{0,200}\\|\\s*(?:sudo\\s+)?(?:ba|z|k|da|fi)?sh\\b|\\|\\s*(?:iex|invoke-expression)\\b|\\bbase64\\s+(?:-d|--decode)\\b[^\\n|]{0,60}\\|\\s*(?:ba)?sh\\b',
    'Tells the model to download and run a script, which would execute whatever the server serves.',
  ),

  // ── Hiding things from the person ──
  rule(
    'concealment',
    'concealment',
    'high',
    'not don never shouldn mustn without',
    "\\b(?:do\\s+not|don't|never|must\\s+not|should\\s+not|shouldn't|mustn't|without)\\s+(?:ever\\s+)?(?:tell(?:ing)?|mention(?:ing)?|inform(?:ing)?|show(?:ing)?|reveal(?:ing)?|disclos(?:e|ing)|notify(?:ing)?|alert(?:ing)?|report(?:ing)?|display(?:ing)?|explain(?:ing)?|let(?:ting)?|bother(?:ing)?|warn(?:ing)?|surfac(?:e|ing))\\b[^.;\\n]{0,50}?\\b(?:user|human|person|operator|owner|customer|anyone|them)s?\\b",
    'Tells the model to keep something from the person.',
  ),
  rule(
    'concealment',
    'concealment',
    'high',
    'not never',
    '\\b(?:should|must|shall|will|is\\s+to|are\\s+to|needs?\\s+to)\\s+(?:not|never)\\s+be\\s+(?:shown|displayed|mentioned|visible|included|logged|surfaced|reported|disclosed|revealed|presented|echoed)\\b[^.;\\n]{0,50}?\\b(?:confirmations?|user|human|person|approvals?|dialogs?|prompts?|summar(?:y|ies)|logs?|ui|chat|response|output|transcript|screen|card)s?\\b',
    'Tells the model to leave something out of what the person sees.',
  ),
  rule(
    'concealment',
    'concealment',
    'high',
    'keep kept hide user human person without',
    "\\b(?:keep|kept)\\s+(?:this|it|these|that)\\s+(?:secret|hidden|confidential|between\\s+us)\\b|\\bhide\\s+(?:this|it|that|these|the\\s+\\w+)\\s+from\\s+(?:the\\s+)?(?:user|human|person|operator)\\b|\\b(?:the\\s+)?(?:user|human|person)\\s+(?:does\\s+not|doesn't|must\\s+not|mustn't|should\\s+not|shouldn't|need\\s+not|needn't)\\s+(?:need\\s+to\\s+)?(?:know|see|notice|be\\s+told|be\\s+informed|be\\s+aware)\\b|\\bwithout\\s+(?:the\\s+)?(?:user|human|person|operator)(?:'s)?\\s+(?:knowing|noticing|knowledge|awareness|consent|approval|permission|confirmation|seeing)\\b",
    'Tells the model to act behind the person’s back.',
  ),
  rule(
    'concealment',
    'concealment',
    'escalate',
    'confirmation permission approval consent review',
    "\\b(?:do\\s+not|don't|never|no\\s+need\\s+to|without)\\s+(?:ask(?:ing)?|request(?:ing)?|wait(?:ing)?|seek(?:ing)?|prompt(?:ing)?|check(?:ing)?\\s+with)\\s+(?:the\\s+user\\s+)?(?:for\\s+)?(?:(?:their|any|a|user)\\s+)?(?:confirmation|permission|approval|consent|review)\\b",
    'Tells the model to skip asking the person for confirmation.',
  ),
  rule('concealment', 'concealment', 'escalate', 'secretly covertly stealthily surreptitiously behind', '\\b(?:secretly|covertly|stealthily|surreptitiously|behind\\s+the\\s+user\'?s\\s+back)\\b', 'Asks for something to be done in secret.'),
  rule('quiet', 'concealment', 'quiet', 'silently quietly discreetly invisibly', '\\b(?:silently|quietly|discreetly|invisibly)\\b', 'Asks for an action to happen without the person noticing.'),

  // ── Other tools and servers ──
  rule(
    'steering',
    'cross-tool-reference',
    'escalate',
    'not don never avoid',
    `\\b${NEGATION}\\s+(?:ever\\s+)?(?:use|call|invoke|using|calling|invoking|trust|rely\\s+on)\\s+(?:${OTHERISH}\\s+){1,3}${TOOLISH}\\b|\\b${NEGATION}\\s+(?:ever\\s+)?(?:use|call|invoke|using|calling|invoking)\\s+${IDENTIFIER}`,
    'Steers the model away from other tools.',
  ),
  rule(
    'steering',
    'cross-tool-reference',
    'escalate',
    'this instead',
    `\\b(?:always\\s+)?(?:prefer|use|choose|pick|call)\\s+this\\s+(?:tool|function|server|one)\\s+(?:instead|over|rather\\s+than|exclusively|only|for\\s+(?:all|every|any))\\b|\\b(?:always\\s+)?prefer\\s+this\\s+(?:tool|function|server)\\b|\\binstead\\s+of\\s+(?:using\\s+|calling\\s+)?(?:the\\s+|any\\s+)?(?:(?:other|another|built-?in|default|native|standard|existing|similar)\\s+){1,2}${TOOLISH}\\b|\\binstead\\s+of\\s+(?:using\\s+|calling\\s+)?${IDENTIFIER}`,
    'Steers the model towards this tool and away from others.',
  ),
  rule(
    'cross-server',
    'cross-tool-reference',
    'escalate',
    'server servers',
    "\\b(?:from|of|on|in|by|across|with)\\s+(?:any|other|another|all|every|different|third-party|external)\\s+(?:mcp\\s+)?servers?\\b|\\b(?:other|another|any)\\s+(?:mcp\\s+)?server(?:'s|s'|s)?\\s+(?:tools?|functions?)\\b",
    'Reaches into what tools of other servers do.',
  ),
  rule(
    'whenever',
    'cross-tool-reference',
    'escalate',
    'whenever time',
    '\\b(?:whenever|every\\s+time|each\\s+time|any\\s+time)\\s+(?!(?:this|the\\s+tool|it)\\b)[^.;\\n]{0,60}?\\b(?:is|are|gets?)\\s+(?:used|called|invoked|run|executed|triggered)\\b',
    'Tells the model what to do whenever some other tool is used.',
  ),

  // ── Signals that only weigh on the rest ──
  rule(
    'exfil-destination',
    undefined,
    'signal',
    '@ ://',
    "\\b(?:send|sends|forward|cc|bcc|copy|upload|post|report|sync|exfiltrate|transmit|mail|e-?mail|add)\\b[^.;\\n]{0,60}?(?:[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}|https?:\\/\\/[^\\s\"'<>`)]+)",
    'Names an outside address to send data to.',
  ),
  rule('tool-call', undefined, 'signal', 'call invoke run execute use trigger', `\\b(?:call|invoke|run|execute|use|trigger)\\s+(?:the\\s+)?${IDENTIFIER}`, 'Tells the model to call a tool.'),
];

/** Any of these inside an HTML or markdown comment makes it a hidden directive. */
export const COMMENT_DIRECTIVE =
  /\b(?:call|invoke|read|send|delete|remove|run|execute|ignore|must|always|never|do\s+not|don't|before|instead|assistant|ai|model|llm|agent|upload|include|append|forward|e-?mail|post|write|fetch|open|reveal|tell|hide|approve|confirm|skip)\b/i;

/** HTML comments (closed or running to the end) and markdown's `[//]: # (…)` comment idiom. */
export const COMMENT = /<!--([\s\S]*?)(?:-->|$)|^[ \t]*\[(?:\/\/|comment|_|#)\]:[ \t]*(?:#|<>)[ \t]*[("'](.*)[)"'][ \t]*$/gim;

/** Schema values (enum, default…) that read as a sentence of orders rather than as a value. */
export const VALUE_DIRECTIVE =
  /^\W*(?:always|never|must|first|before|ignore|call|read|send|run|execute|include|append|add|upload|forward|do\s+not|don't|please|you\s+(?:must|should)|make\s+sure)\b|\b(?:you|assistant|the\s+model)\s+(?:must|should)\b/i;

const ANCHOR_WORD = /^[a-z0-9]+$/;
const RULES_BY_WORD = new Map<string, number[]>();
const RULES_BY_FRAGMENT: Array<[string, number]> = [];
PHRASE_RULES.forEach((phraseRule, index) => {
  for (const anchor of phraseRule.anchors) {
    if (ANCHOR_WORD.test(anchor)) RULES_BY_WORD.set(anchor, [...(RULES_BY_WORD.get(anchor) ?? []), index]);
    else RULES_BY_FRAGMENT.push([anchor, index]);
  }
});

/** The rules whose anchors occur in the text: the only ones that can match it. */
export function candidateRules(profile: Profile): PhraseRule[] {
  const wanted = new Uint8Array(PHRASE_RULES.length);
  for (const [anchor, index] of RULES_BY_FRAGMENT) if (!wanted[index] && profile.lower.includes(anchor)) wanted[index] = 1;
  for (const word of profile.words) {
    const indexes = RULES_BY_WORD.get(word);
    if (indexes) for (const index of indexes) wanted[index] = 1;
  }
  return PHRASE_RULES.filter((_, index) => wanted[index] === 1);
}
