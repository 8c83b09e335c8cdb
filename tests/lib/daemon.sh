# tests/lib/daemon.sh: what the qfilterd tests share (t-daemon.sh,
# t-daemon-idle.sh). Sourced; uses W (the work folder), QF_BIN, and PIDS
# (what the script's cleanup kills).

# start_daemon NAME CONF: qfilterd in the background, its log in
# $W/NAME.log; waits until it listens; DPID
start_daemon() {
	"$QF_BIN/qfilterd" -c "$2" 2>"$W/$1.log" & DPID=$!; PIDS="$PIDS $DPID"
	local i; for i in $(seq 200); do
		grep -q '^qfilterd: listening on' "$W/$1.log" 2>/dev/null && return 0
		kill -0 $DPID 2>/dev/null || break; sleep 0.05
	done
	echo "# qfilterd $1 did not come up:"; sed 's/^/#   /' "$W/$1.log"
	return 1
}

# wait_log FILE REGEX [SECONDS] [COUNT]: until FILE has COUNT (1) lines
# matching REGEX, or SECONDS (10) have passed
wait_log() {
	local i; for i in $(seq $((${3:-10} * 20))); do
		[ "$(grep -cE "$2" "$1" 2>/dev/null)" -ge "${4:-1}" ] && return 0; sleep 0.05
	done
	return 1
}

# slowclamd NAME DELAY: a clamd on $W/NAME.sock that answers OK DELAY
# seconds after each stream, and logs "stream" to $W/NAME.log as each
# begins (tests/lib/fake-clamd slow:DELAY)
slowclamd() {
	"$(dirname "${BASH_SOURCE[0]}")/fake-clamd" "slow:$2" "$W/$1.sock" "$W/$1.log" 2>"$W/$1.err" & PIDS="$PIDS $!"
	local i; for i in $(seq 100); do [ -S "$W/$1.sock" ] && return 0; sleep 0.05; done
	return 1
}
