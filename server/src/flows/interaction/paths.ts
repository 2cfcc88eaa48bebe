// Where the flow API and the sign-in page of an interaction live.
// The OIDC provider sends the browser to INTERACTION_PAGE/<uid>; the page calls INTERACTION_API/<uid>/….
export const INTERACTION_PAGE = '/interaction';
export const INTERACTION_API = '/api/flow/interaction';
