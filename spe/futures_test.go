package spe

import (
	"strings"
	"testing"
)

// TestAskAwaitFuture: !ask-await registers an external wait; the future's
// value arrives as {:from :future :body v} and the call's value is the
// resumed computation.
func TestAskAwaitFuture(t *testing.T) {
	noLeak(t)
	r := runAgents(t, `
-- main/1.completion --
'(!ask-await (future (reduce + (range 10))))))))
-- main/2.completion --
(:body msg-1))))
`, "sum in a future", nil)
	r.want(t, "45")
	if want := `(think "[wait resumed: msg-1 arrived]") (def msg-1 (quote {:from :future :body 45})) (quote (!extend)) `; !strings.HasSuffix(r.prompts["main/2"], want) {
		t.Fatalf("main/2 prompt %s", r.prompts["main/2"])
	}
}

// TestAskAwaitFutureThrows: a failed future arrives as
// {:from :future :body {:future-await/error msg}}.
func TestAskAwaitFutureThrows(t *testing.T) {
	noLeak(t)
	r := runAgents(t, `
-- main/1.completion --
'(!ask-await (future (throw "boom")))))))
-- main/2.completion --
(:body msg-1))))
`, "a future throws", nil)
	r.want(t, `{:future-await/error "boom"}`)
}

// TestAskAwaitMisuse: a value that is no future is a catchable error;
// inside a future !ask-await is refused (it needs an agent's runner).
func TestAskAwaitMisuse(t *testing.T) {
	noLeak(t)
	r := runAgents(t, `
-- main/1.completion --
'(try (!ask-await 42) (catch e (:message e))))))
`, "misuse", nil)
	r.want(t, `"Function call failed: !ask-await: !ask-await expects a future token, got number"`)
}

// TestBlockingRequestFromFuture: a future of main makes a tracked request
// to a child (an edge owned by main); awaiting it yields the reply. The
// child waits in globals/wait-until (without the baton) until the request
// exists, so the schedule does not depend on the future's goroutine.
func TestBlockingRequestFromFuture(t *testing.T) {
	noLeak(t)
	r := runAgents(t, `
-- main/1.completion --
'(do (agents/spawn "You double numbers." :w) (!ask-await (future (do (globals/wait-until :ready) (let [t (blocking/request :w 21)] (globals/set :req (:edge-id t)) [(:edge-id t) (blocking/await t)])))))))
-- w/1.completion --
'(do (globals/set :ready true) (globals/wait-until :req) (agents/!wait)))))
-- w/2.completion --
'(agents/reply msg-1 (* 2 (:body msg-1))))))
-- main/2.completion --
(:body msg-2))))
`, "request from a future", nil)
	r.want(t, "[1 42]")
	if want := `(def msg-1 (quote {:from :main :expects-response true :edge-id 1 :body 21}))`; !strings.Contains(r.prompts["w/2"], want) {
		t.Fatalf("w/2 prompt %s", r.prompts["w/2"])
	}
}

// TestStaleComputationLifecycle: a future that outlives its owner's
// lifecycle cannot make requests for it.
func TestStaleComputationLifecycle(t *testing.T) {
	noLeak(t)
	r := runAgents(t, `
-- main/1.completion --
'(agents/!spawn-ask "C" :c))))
-- c/1.completion --
'(do (globals/set :f (future (do (globals/wait-until :go) (try (blocking/request :main 1) (catch e (:message e)))))) :done))))
-- main/2.completion --
'(do (globals/set :go true) (!ask-await (globals/get :f))))))
-- main/3.completion --
(:body msg-2))))
`, "stale", nil)
	r.want(t, `"Function call failed: blocking/request: Stale computation lifecycle"`)
}

// TestAskAwaitRefusedLikeSleep: an agent holding an incoming request newer
// than its newest outgoing edge may not enter an external wait.
func TestAskAwaitRefusedLikeSleep(t *testing.T) {
	noLeak(t)
	r := runAgents(t, `
-- main/1.completion --
'(agents/!spawn-ask "C" :c))))
-- c/1.completion --
'(agents/!ask :main 1))))
-- main/2.completion --
'[(:edge-id msg-1) (try (!ask-await (future 1)) (catch e (strings/includes? (:message e) "!ask-await: Sleep refused: you hold incoming requests newer than your newest outgoing request; answer them first")))]))))
`, "refused", nil)
	r.want(t, `[2 true]`)
}

// TestWaitUntilReleasesBaton: an agent blocked in globals/wait-until lets
// the others run (with the baton held, the child could never set the key).
func TestWaitUntilReleasesBaton(t *testing.T) {
	noLeak(t)
	r := runAgents(t, `
-- main/1.completion --
'(do (agents/spawn "C" :c) [(globals/wait-until :from-c) (globals/get :from-c)]))))
-- c/1.completion --
'(globals/set :from-c 7))))
`, "wait for a child through globals", nil)
	r.want(t, "[true 7]")
}

// TestReceiveRefusedInFuture: receive belongs to an agent's runner
// (effects.md §3.7).
func TestReceiveRefusedInFuture(t *testing.T) {
	noLeak(t)
	r := runAgents(t, `
-- main/1.completion --
'(!ask-await (future (try (receive completion) (catch e (:message e))))))))
-- main/2.completion --
(:body msg-1))))
`, "receive in a future", nil)
	r.want(t, `"Function call failed: receive: receive is not available inside a computation future"`)
}

// TestTurnCallsRefusedInFuture: the agents/ calls that suspend the turn
// would park the owner's runner from the future's goroutine; inside a
// computation future they are refused, the non-blocking ones still work
// (effects.md §3.7).
func TestTurnCallsRefusedInFuture(t *testing.T) {
	noLeak(t)
	r := runAgents(t, `
-- main/1.completion --
'(!ask-await (future [(try (agents/!wait) (catch e (:message e))) (try (agents/!sleep) (catch e (:message e))) (try (agents/!ask :main 1) (catch e (:message e))) (try (agents/!spawn-ask "C") (catch e (:message e))) (try (agents/!reply-ask 1 2) (catch e (:message e))) (agents/current-handle)]))))))
-- main/2.completion --
(:body msg-1))))
`, "turn calls in a future", nil)
	var want []string
	for _, fn := range []string{"agents/!wait", "agents/!sleep", "agents/!ask", "agents/!spawn-ask", "agents/!reply-ask"} {
		want = append(want, `"Function call failed: `+fn+`: `+fn+` is not available inside a computation future"`)
	}
	r.want(t, "["+strings.Join(want, " ")+" :main]")
}
