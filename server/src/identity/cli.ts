// Command-line verbs of the identity domain (user …, group …). Filled in by the identity work of issue 3.
import type { Verb } from '../appliance/verb.ts';

export const identityVerbs: Record<string, Verb> = {};
