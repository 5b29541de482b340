/** Hard limits on what Airlock accepts, shared by every component that parses untrusted input. */
export const Limits = {
  /** Largest single JSON-RPC message, in bytes (the SDK's own stdio cap). */
  maxMessageBytes: 10 * 1024 * 1024,
  /** Deepest nesting of arrays and objects in one message; real MCP traffic stays far below this. */
  maxJsonDepth: 128,
  /** Bytes of a child's stderr kept per server for diagnostics. */
  stderrTailBytes: 64 * 1024,
  /** Bytes queued towards a peer that does not read before Airlock treats it as stuck. */
  maxPendingWriteBytes: 32 * 1024 * 1024,
} as const;

/**
 * Measures nesting depth of a JSON text without parsing it, so that over-deep input is refused
 * before anything recursive (stringify, canonicalisation, the UI) ever touches it.
 * Returns the maximum depth, stopping early once `limit` is exceeded.
 */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > limit) return true;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth--;
  }
  return false;
}
