/**
 * Metadata findings: what in a server's tool, prompt and resource definitions, instructions,
 * elicitations and sampling requests tries to steer the model or hide something from the
 * person. Pure functions over JSON; the rules live in `findings/`.
 *
 * Paths are dotted from the definition's root (`inputSchema.properties.mode.enum.1`); a finding
 * about a property's name carries the property's path and a span over the name. Spans are UTF-16
 * offsets into the string at `path`.
 */
export { scanDefinition } from './findings/definition';
export { scanText, type ScanContext } from './findings/text';
export { scanElicitation, scanSampling } from './findings/requests';
export { findNameCollisions, type NameCollision } from './findings/collisions';
export { highestSeverity, SEVERITY_RANK } from './findings/finding';
