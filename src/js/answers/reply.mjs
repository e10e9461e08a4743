// A built-in answer as a reply function: what createFetch's `reply: 'markdown'` becomes, and
// what a fixture's { builtin } answer uses. Small on purpose: the name is checked at once,
// and the answers themselves (builtin.mjs) are imported at the first request. The code is
// in internal/replies.mjs, which trickle itself loads; this is its public entry.
import { builtinReply, languageOf } from '../internal/replies.mjs';

export { builtinReply, languageOf };
