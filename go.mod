module github.com/spell-go/spell

go 1.26.0

require (
	github.com/anthropics/anthropic-sdk-go v1.84.0
	github.com/aymanbagabas/go-udiff v0.4.1
	github.com/benbjohnson/immutable v0.4.3
	// readline gives spell repl line editing, history and Tab completion:
	// pure Go (no cgo, builds with Go 1.26), the line editor most Go REPLs
	// use, and its one dependency is golang.org/x/sys, already required.
	github.com/chzyer/readline v1.5.1
	// pty runs spell repl on a pseudo-terminal in one test (tests only).
	github.com/creack/pty v1.1.24
	github.com/go-json-experiment/json v0.0.0-20260623181947-01eb4420fa68
	// go-yaml parses SKILL.md front matter (effects.md §9) into a syntax
	// tree: no dependencies and no package initialisation to speak of
	// (yaml/v3 compiled two regexps in every spell process, issue 11).
	// spe/skills counts aliases on the tree without expanding them,
	// rejects duplicate keys itself, and bounds nesting and keys first.
	github.com/goccy/go-yaml v1.19.2
	// jsonschema-go validates MCP tool input and output (effects.md §10):
	// the MCP SDK's own validator, used without a loader.
	github.com/google/jsonschema-go v0.4.3
	// The official MCP SDK: protocol 2026-07-28, stdio and streamable
	// HTTP transports for spe/mcp (effects.md §10).
	github.com/modelcontextprotocol/go-sdk v1.8.0
	github.com/openai/openai-go/v3 v3.98.0
	github.com/rogpeppe/go-internal v1.16.0
	// go.lsp.dev is pinned at v1.0.1 (the v1 line): never use @latest, which
	// selects the incompatible v0 protocol module (tooling.md §6.2); .ci/run
	// checks these pins.
	go.lsp.dev/jsonrpc2 v1.0.1
	go.lsp.dev/protocol v1.0.1
	go.lsp.dev/uri v1.0.1
	// The official Temporal Go SDK, for spell-temporal only (spe/temporal,
	// docs/temporal.md): spell itself must not link it (start-up, issue
	// 11; TestSpellDoesNotLinkTemporal). sdk v1.44.0 with api v1.63.5 is
	// the pair the test server go.temporal.io/server v1.32.1 builds with
	// (spe/temporal/devserver, its own module).
	go.temporal.io/api v1.63.5
	go.temporal.io/sdk v1.44.0
	// goleak checks that tests leave no goroutine behind (tests only; the
	// coordinator's runners and tickets, issue 10).
	go.uber.org/goleak v1.3.0
	go.yaml.in/yaml/v3 v3.0.6 // indirect
	// x/net/html parses fetched pages and DuckDuckGo results (web/).
	golang.org/x/net v0.61.0
	golang.org/x/text v0.44.0
)

require (
	github.com/bahlo/generic-list-go v0.2.0 // indirect
	github.com/buger/jsonparser v1.1.2 // indirect
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/coder/websocket v1.8.15 // indirect
	github.com/facebookgo/clock v0.0.0-20150410010913-600d898af40a // indirect
	github.com/go-logr/logr v1.4.3 // indirect
	github.com/go-logr/stdr v1.2.2 // indirect
	github.com/gogo/protobuf v1.3.2 // indirect
	github.com/golang/mock v1.6.0 // indirect
	github.com/google/uuid v1.6.0 // indirect
	github.com/grpc-ecosystem/go-grpc-middleware/v2 v2.3.2 // indirect
	github.com/grpc-ecosystem/grpc-gateway/v2 v2.22.0 // indirect
	github.com/invopop/jsonschema v0.14.0 // indirect
	github.com/nexus-rpc/nexus-proto-annotations v0.1.0 // indirect
	github.com/nexus-rpc/sdk-go v0.6.0 // indirect
	github.com/pb33f/ordered-map/v2 v2.3.1 // indirect
	github.com/robfig/cron v1.2.0 // indirect
	github.com/segmentio/asm v1.1.3 // indirect
	github.com/segmentio/encoding v0.5.4 // indirect
	github.com/standard-webhooks/standard-webhooks/libraries v0.0.1 // indirect
	github.com/stretchr/objx v0.5.3 // indirect
	github.com/stretchr/testify v1.12.1 // indirect
	github.com/tidwall/gjson v1.20.0 // indirect
	github.com/tidwall/match v1.1.1 // indirect
	github.com/tidwall/pretty v1.2.1 // indirect
	github.com/tidwall/sjson v1.2.5 // indirect
	github.com/yosida95/uritemplate/v3 v3.0.2 // indirect
	go.opentelemetry.io/auto/sdk v1.2.1 // indirect
	go.opentelemetry.io/otel v1.39.0 // indirect
	go.opentelemetry.io/otel/metric v1.39.0 // indirect
	go.opentelemetry.io/otel/trace v1.39.0 // indirect
	go.yaml.in/yaml/v4 v4.0.0-rc.2 // indirect
	golang.org/x/exp v0.0.0-20240325151524-a685a6edb6d8 // indirect
	golang.org/x/oauth2 v0.35.0 // indirect
	golang.org/x/sync v0.25.0 // indirect
	golang.org/x/sys v0.49.0 // indirect
	golang.org/x/time v0.15.0 // indirect
	golang.org/x/tools v0.52.0 // indirect
	google.golang.org/genproto/googleapis/api v0.0.0-20260120221211-b8f7ae30c516 // indirect
	google.golang.org/genproto/googleapis/rpc v0.0.0-20260120221211-b8f7ae30c516 // indirect
	google.golang.org/grpc v1.79.3 // indirect
	google.golang.org/protobuf v1.36.11 // indirect
)
