// Package mcpdoc is the documentation of the mcp/ namespace (effects.md
// §10): what the system prompt and spell doc show for an MCP grant. It is
// apart from spe/mcp so that spell, which does not link the MCP SDK,
// composes the same prompts (issue 11, start-up).
package mcpdoc

// Member is one member of mcp/: its name, call shape and documentation.
type Member struct{ Name, Usage, Doc string }

// Members are the members of mcp/ with their documentation.
var Members = []Member{
	{"servers", "(mcp/servers)", "the granted servers: alias, transport, tool count, availability"},
	{"info", "(mcp/info s)", "server info, capabilities, tools, excluded tools, stderr lines, failure"},
	{"resources", "(mcp/resources s)", "the granted resources (envelope)"},
	{"resource-templates", "(mcp/resource-templates s)", "resource templates (needs :resources :all; envelope)"},
	{"read-resource", "(mcp/read-resource s uri)", "read one granted resource (envelope)"},
	{"prompts", "(mcp/prompts s)", "the granted prompts (envelope)"},
	{"get-prompt", "(mcp/get-prompt s name) | (mcp/get-prompt s name args)", "a prompt's messages; args is a map of strings (envelope)"},
	{"complete", "(mcp/complete s ref arg)", "completion/complete with ref {\"type\" \"ref/prompt\" \"name\" …} and arg {\"name\" … \"value\" …} (envelope)"},
	{"refresh", "(mcp/refresh s)", "read the server's tool catalogue again (this run's functions do not change)"},
	{"listen-send", "(mcp/listen-send s filter handle)", "subscribe (needs :subscriptions true): filter is a resource URI or {:resources [uri …] :list-changed [:tools :prompts :resources]}; each notification reaches handle as a message from :mcp-listen with body {:server s :notification {\"method\" … \"params\" …}}, a failed connection as {:server s :error msg} (envelope)"},
}

// ShortDocs is mcp/'s :short-docs.
const ShortDocs = "The agent's MCP servers: info, resources, prompts, completion."

// Functions lists mcp/'s call shapes and docs (for the system prompt).
func Functions() [][2]string {
	out := make([][2]string, len(Members))
	for i, d := range Members {
		out[i] = [2]string{d.Usage, d.Doc}
	}
	return out
}
