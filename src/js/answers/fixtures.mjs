// Fixtures: rules that pick an answer for a request, first match wins, as a reply function
// for createFetch({ reply }) (docs/answers.md). The code, and the rules' shape, are in
// internal/replies.mjs, which trickle itself loads (createFetch({ fixtures }) checks every
// rule at once); this is their public entry.
export { fixturesReply, readFixtures } from '../internal/replies.mjs';
