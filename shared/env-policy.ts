/** Environment variable rules for server processes: which names are valid and which are risky. */

export const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Variables that change how a program loads code rather than what it does. A server launched with
 * one of these can be made to run anything; Airlock refuses them unless the person insists.
 */
const RISKY_ENV = /^(?:LD_PRELOAD|LD_LIBRARY_PATH|LD_AUDIT|DYLD_.*|NODE_OPTIONS|NODE_PATH|NODE_REPL_EXTERNAL_MODULE|PYTHONSTARTUP|PYTHONPATH|PYTHONHOME|PERL5OPT|PERL5LIB|RUBYOPT|RUBYLIB|BASH_ENV|ENV|PROMPT_COMMAND|GIT_SSH_COMMAND|GIT_EXEC_PATH|JAVA_TOOL_OPTIONS|_JAVA_OPTIONS|ELECTRON_RUN_AS_NODE)$/;

export function isRiskyEnvName(name: string): boolean {
  return RISKY_ENV.test(name);
}
