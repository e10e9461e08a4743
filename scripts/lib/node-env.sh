# Sourced by every script that runs node: puts the project's own Node first on PATH.
#
# Guarantee: after sourcing, `node` is the Node that scripts/setup installed into .tools/node
# when there is one (it does so only when the system's node is older than 20, as Debian 12's
# is), and the system's node otherwise. Safe to source more than once: the folder is added
# once. Sourced again after scripts/setup, it picks up a Node that setup has just installed.
trickle_node_bin="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/.tools/node/bin"
if [ -x "$trickle_node_bin/node" ]; then
  case ":$PATH:" in
    *":$trickle_node_bin:"*) ;;
    *) PATH="$trickle_node_bin:$PATH"; export PATH ;;
  esac
  # A shell that already ran the system's node would otherwise keep that path.
  hash -r
fi
unset trickle_node_bin
