/** A host file Airlock cannot read as its format says; the file is left untouched. */
export class MalformedHostFile extends Error {}

/** The host file changed between Airlock reading it and writing it; nothing was written. */
export class HostFileChanged extends Error {}

/** A request Airlock refuses (unknown server, nothing to do that was asked for…). */
export class HostsRequestError extends Error {}
