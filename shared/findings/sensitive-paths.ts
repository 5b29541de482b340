/**
 * Files and folders that hold credentials or private data: SSH keys, cloud and package-registry
 * credentials, `.netrc`, the GitHub CLI's hosts.yml, `.env`, keychains, browser profiles, shell
 * history, wallets, system account files, and the MCP hosts' (and Airlock's own) configuration.
 * A mention is worth a look; a mention next to "read", "send" or "contents of" is an attempt.
 */
import { identifierTokens } from '../definitions';
import { excerpt, makeFinding, type StringRole } from './finding';
import { Anchors, profileOf, type Profile } from './words';
import type { Finding, Severity } from '../types';

interface SensitiveTarget {
  label: string;
  /** Holds secrets outright (keys, tokens, passwords), rather than merely private data. */
  secret: boolean;
  pattern: RegExp;
}

const SEP = '[\\/\\\\]';
/** What may follow a folder name for it to count as a path. */
const FOLDER_END = `(?=${SEP}|[\\s'"\`),;:]|$)`;

function target(label: string, secret: boolean, source: string, flags = 'gi'): SensitiveTarget {
  return { label, secret, pattern: new RegExp(source, flags) };
}

const PATH_TARGETS: SensitiveTarget[] = [
  target('the SSH configuration', false, `\\.ssh${SEP}(?:config|known_hosts|authorized_keys|[\\w.-]+\\.pub)\\b|\\bknown_hosts\\b`),
  target('an SSH private key', true, `\\bid_(?:rsa|dsa|ecdsa|ed25519)(?:_sk)?\\b(?!\\.pub)|\\.ssh(?!${SEP}(?:config|known_hosts|authorized_keys|[\\w.-]+\\.pub)\\b)${FOLDER_END}`),
  target('AWS credentials', true, `\\.aws${SEP}(?:credentials|config)\\b|\\.aws${FOLDER_END}|\\baws_(?:secret_access_key|session_token)\\b`),
  target(
    'a credentials file',
    true,
    `(?<![\\w.])(?:[._]netrc|\\.pgpass|\\.git-credentials|\\.npmrc|\\.pypirc|\\.yarnrc(?:\\.yml)?|\\.vault-token|\\.boto|\\.s3cfg|\\.dockercfg|\\.my\\.cnf)\\b`,
  ),
  target(
    'cloud or CLI credentials',
    true,
    `\\.docker${SEP}config\\.json|\\.kube${SEP}config\\b|\\bkubeconfig\\b|\\bgh${SEP}hosts\\.ya?ml\\b|\\.config${SEP}gcloud\\b|\\bapplication_default_credentials\\.json|\\.azure${SEP}|\\.terraform\\.d${SEP}credentials|\\.config${SEP}hub\\b`,
  ),
  target('an environment file', true, `(?<![\\w.\\-])\\.env(?:\\.[\\w-]+)?\\b`),
  target(
    'a keychain or password store',
    true,
    `\\.gnupg\\b|\\bsecring\\.gpg\\b|\\.password-store\\b|Library${SEP}Keychains\\b|\\.keychain(?:-db)?\\b|\\bsecurity\\s+(?:find|dump)-(?:generic-|internet-)?(?:password|keychain)\\b`,
  ),
  target(
    'a browser profile',
    true,
    `(?:Google${SEP}Chrome|Chromium|BraveSoftware${SEP}Brave-Browser|Microsoft${SEP}Edge|\\.mozilla${SEP}firefox|Firefox${SEP}Profiles)${SEP}|\\bChrome${SEP}User Data\\b`,
  ),
  target('browser credentials', true, `\\b(?:Login Data|Cookies\\.sqlite|logins\\.json|key[34]\\.db|Local State|Web Data)\\b`, 'g'),
  target(
    'system account data',
    true,
    `\\/etc\\/(?:passwd|shadow|gshadow|sudoers|master\\.passwd)\\b|\\/proc\\/(?:self|\\d+)\\/environ\\b|\\\\config\\\\SAM\\b|\\bNTUSER\\.DAT\\b`,
  ),
  target('shell history', true, `\\.(?:bash|zsh|sh|python|node_repl|psql|mysql)_history\\b|\\bConsoleHost_history\\.txt\\b`),
  target('a cryptocurrency wallet', true, `\\bwallet\\.dat\\b|\\.bitcoin${SEP}|\\.ethereum${SEP}keystore\\b|\\.electrum${SEP}|\\bexodus\\.wallet\\b`),
  target(
    'an agent host or Airlock configuration',
    true,
    `\\bclaude_desktop_config\\.json\\b|\\.claude\\.json\\b|\\.claude${SEP}\\.?credentials\\b|\\.cursor${SEP}mcp\\.json\\b|\\bwindsurf${SEP}mcp_config\\.json\\b|\\.vscode${SEP}mcp\\.json\\b|\\.gemini${SEP}settings\\.json\\b|\\.codex${SEP}(?:auth|config)\\b|(?:\\.config|Application Support|AppData${SEP}Roaming)${SEP}Airlock\\b|\\bAIRLOCK_HOME\\b`,
  ),
  target('a key or certificate file', false, `(?<![\\w.-])[\\w.-]+\\.(?:pem|p12|pfx|ppk|jks|keystore)\\b|\\bcredentials\\.json\\b|\\bservice[-_]account[\\w-]*\\.json\\b`),
];

/**
 * Words and fragments at least one of which every target above needs: most strings have none and
 * skip the targets altogether. Keep it complete when adding a target.
 */
const MAY_NAME_A_PATH = new Anchors(
  (
    'known rsa dsa ecdsa ed25519 aws netrc pgpass npmrc pypirc yarnrc boto s3cfg dockercfg credentials vault cnf docker kube kubeconfig hosts gcloud ' +
    'azure terraform hub gnupg secring password keychain keychains security google chromium bravesoftware microsoft mozilla firefox chrome cookies ' +
    'logins key3 key4 ntuser consolehost wallet bitcoin ethereum electrum exodus claude cursor windsurf vscode gemini codex airlock pem p12 pfx ppk jks keystore'
  ).split(' '),
  ['.ssh', '.env', '/etc/', '/proc/', '\\config\\sam', '_history', 'local state', 'web data', 'login data', 'service-account', 'service_account'],
);

/** Cheap test for identifiers that may spell out one of `WORD_TARGETS`. */
const MAY_SPELL_A_TARGET = /aws|ssh|rsa|dsa|25519|netrc|pgpass|credential|npmrc|pypirc|kube|gh|env|keychain|browser|private|passwd|shadow|history|wallet|seed|mnemonic/i;

/** The same targets as they appear spelled out in identifiers: `contents_of_dot_aws_credentials_file`. */
const WORD_TARGETS: SensitiveTarget[] = [
  target('AWS credentials', true, `\\baws (?:credentials?|secret|access keys?|session token)\\b`),
  target('an SSH private key', true, `\\bssh (?:keys?|private|id|folder|dir(?:ectory)?)\\b|\\bid (?:rsa|dsa|ecdsa|ed 25519)\\b`),
  target(
    'a credentials file',
    true,
    `\\bnetrc\\b|\\bpgpass\\b|\\bgit credentials\\b|\\bnpmrc\\b|\\bpypirc\\b|\\bkube ?config\\b|\\bgh hosts\\b|\\bdot env\\b|\\benv file\\b|\\bkeychain\\b|\\bbrowser (?:cookies|passwords?|profile|history)\\b|\\bprivate key\\b|\\betc (?:passwd|shadow)\\b|\\b(?:shell|bash|zsh) history\\b|\\bwallet dat\\b|\\bseed phrase\\b|\\bmnemonic\\b`,
  ),
];

/** Verbs that turn a mention into an attempt to read or move the file, within the same clause. */
const READ_OR_SEND =
  /\b(?:read|reads|reading|cat|upload|uploads|uploading|send|sends|sending|post|posts|append|appends|attach|attaches|copy|copies|place|put|paste|forward|exfiltrate|collect|harvest|dump|share|transmit|grab|extract|steal|contents?|full text|text of|base64)\b/i;
/** How far either side of a path a verb may stand, cut short at the clause's end. */
const WINDOW = 150;
const CLAUSE_END = /[.!?](?=\s)|[;\n]/g;

function clauseAround(text: string, start: number, end: number): string {
  const before = text.slice(Math.max(0, start - WINDOW), start);
  let from = 0;
  CLAUSE_END.lastIndex = 0;
  for (let match = CLAUSE_END.exec(before); match; match = CLAUSE_END.exec(before)) from = match.index + 1;
  const after = text.slice(end, end + WINDOW);
  CLAUSE_END.lastIndex = 0;
  const stop = CLAUSE_END.exec(after)?.index ?? after.length;
  return `${before.slice(from)} ${after.slice(0, stop)}`;
}
const PATH_CHARACTER = /[^\s'"`()<>[\]{},;]/;
/** Longer than any real path; keeps widening linear on hostile input. */
const MAX_PATH_LENGTH = 256;
/** More mentions than this in one string add nothing for a person. */
const MAX_HITS = 20;

interface Hit {
  start: number;
  end: number;
  label: string;
  secret: boolean;
}

/** Widens a hit to the whole path around it (`~/.ssh/id_rsa`, not just `id_rsa`). */
function widen(text: string, start: number, end: number): { start: number; end: number } {
  const floor = Math.max(0, start - MAX_PATH_LENGTH);
  const ceiling = Math.min(text.length, end + MAX_PATH_LENGTH);
  while (start > floor && PATH_CHARACTER.test(text[start - 1]!)) start--;
  while (end < ceiling && PATH_CHARACTER.test(text[end]!)) end++;
  while (end > start + 1 && /[.:!?]/.test(text[end - 1]!)) end--;
  return { start, end };
}

function mergeHits(hits: Hit[]): Hit[] {
  hits.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: Hit[] = [];
  for (const hit of hits) {
    const last = merged.at(-1);
    if (last && hit.start < last.end) {
      last.end = Math.max(last.end, hit.end);
      if (hit.secret && !last.secret) Object.assign(last, { label: hit.label, secret: true });
    } else merged.push({ ...hit });
  }
  return merged;
}

export interface PathMention {
  span: { start: number; end: number };
  label: string;
  secret: boolean;
  /** A read or send verb is near: the text asks for the file, not just about it. */
  withVerb: boolean;
}

/** Paths to sensitive files in prose, widened to the whole path. */
export function findSensitivePaths(text: string, profile: Profile = profileOf(text)): PathMention[] {
  if (!MAY_NAME_A_PATH.foundIn(profile)) return [];
  const hits: Hit[] = [];
  for (const { label, secret, pattern } of PATH_TARGETS) {
    pattern.lastIndex = 0;
    for (let match = pattern.exec(text); match && hits.length < MAX_HITS * PATH_TARGETS.length; match = pattern.exec(text)) {
      hits.push({ ...widen(text, match.index, match.index + match[0].length), label, secret });
    }
  }
  return mergeHits(hits).slice(0, MAX_HITS).map(({ start, end, label, secret }) => ({
    span: { start, end },
    label,
    secret,
    withVerb: READ_OR_SEND.test(clauseAround(text, start, end)),
  }));
}

/** The sensitive file an identifier is named after, if any. */
export function sensitiveIdentifier(identifier: string): { label: string; secret: boolean } | undefined {
  if (MAY_SPELL_A_TARGET.test(identifier)) {
    const words = identifierTokens(identifier).join(' ');
    for (const { label, secret, pattern } of WORD_TARGETS) {
      pattern.lastIndex = 0;
      if (pattern.test(words)) return { label, secret };
    }
  }
  if (!MAY_NAME_A_PATH.foundIn(profileOf(identifier))) return undefined;
  for (const { label, secret, pattern } of PATH_TARGETS) {
    pattern.lastIndex = 0;
    if (pattern.test(identifier)) return { label, secret };
  }
  return undefined;
}

export function pathSeverity(mention: PathMention): Severity {
  if (mention.secret) return mention.withVerb ? 'high' : 'warn';
  return mention.withVerb ? 'warn' : 'info';
}

/** `sensitive-path` findings for one string; spans are in the coordinates of `text`. */
export function scanSensitivePaths(text: string, path: string, role: StringRole, profile?: Profile): Finding[] {
  if (role === 'name' || role === 'property-name' || role === 'key') {
    const named = sensitiveIdentifier(text);
    if (!named) return [];
    // A parameter named after a secret file asks the model to fill it with that file.
    const severity: Severity = role === 'property-name' && named.secret ? 'high' : 'warn';
    return [makeFinding('sensitive-path', severity, path, `The name refers to ${named.label}, which a tool has no reason to ask the model for.`, { span: { start: 0, end: text.length } })];
  }
  return findSensitivePaths(text, profile).map((mention) => {
    const severity = role === 'uri' ? (mention.secret ? 'warn' : 'info') : pathSeverity(mention);
    const message = mention.withVerb
      ? `Asks for ${mention.label} (${excerpt(text.slice(mention.span.start, mention.span.end))}) to be read or sent.`
      : `Mentions ${mention.label} (${excerpt(text.slice(mention.span.start, mention.span.end))}).`;
    return makeFinding('sensitive-path', severity, path, message, { span: mention.span });
  });
}
