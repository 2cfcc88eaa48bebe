// Command-line verbs of the OIDC provider (app add-oidc …). Filled in by the OIDC work of issue 3.
import type { Verb } from '../../appliance/verb.ts';

export const oidcVerbs: Record<string, Verb> = {};
