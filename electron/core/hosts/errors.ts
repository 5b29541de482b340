/** A host file Airlock cannot read as its format says; the file is left untouched. */
export class MalformedHostFile extends Error {}

/** The host file changed between Airlock reading it and writing it; nothing was written. */
export class HostFileChanged extends Error {}

/** A request Airlock refuses: a server that is not there, or a name that is not valid. */
export class HostsRequestError extends Error {
  constructor(
    message: string,
    readonly code: 'not-found' | 'invalid-input' = 'not-found',
  ) {
    super(message);
  }
}
