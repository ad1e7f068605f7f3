package cli

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"

	"github.com/rogpeppe/go-internal/testscript"
)

// cmdFakeProvider implements `fake-provider`: it starts a fake Anthropic
// Messages API on loopback for the rest of the script and sets
// $FAKE_PROVIDER_URL. The first request is answered with a program that
// quotes the API key it was sent and calls leaf-llm; every later request
// fails with 401 and a body that echoes the key, as a real provider's
// "invalid x-api-key" error can. Scripts check that the key reaches
// neither the transcript nor stderr nor --json.
func cmdFakeProvider(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: fake-provider")
	}
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.Header.Get("X-Api-Key")
		if n.Add(1) > 1 {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			body, _ := json.Marshal(map[string]any{"type": "error",
				"error": map[string]string{"type": "authentication_error", "message": "invalid x-api-key: " + key}})
			w.Write(body)
			return
		}
		text, _ := json.Marshal("```clojure\n(leaf-llm \"Is " + key + " a good key?\")\n```")
		w.Header().Set("Content-Type", "text/event-stream")
		w.WriteHeader(http.StatusOK)
		for _, ev := range [][2]string{
			{"message_start", `{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-test","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":10,"output_tokens":1}}}`},
			{"content_block_start", `{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}`},
			{"content_block_delta", `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":` + string(text) + `}}`},
			{"content_block_stop", `{"type":"content_block_stop","index":0}`},
			{"message_delta", `{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":20}}`},
			{"message_stop", `{"type":"message_stop"}`},
		} {
			fmt.Fprintf(w, "event: %s\ndata: %s\n\n", ev[0], ev[1])
		}
	}))
	ts.Defer(srv.Close)
	ts.Setenv("FAKE_PROVIDER_URL", srv.URL)
}
