package profile

import (
	"strings"
	"testing"
)

func TestMCPGrantDecoded(t *testing.T) {
	cwd := t.TempDir()
	write(t, cwd, "x.agent.edn", `{:mcp-servers {gh {:server "gh.mcp.edn" :tools {search "search_code" issue "get_issue"}
                        :resources ["repo://a" "repo://b"] :prompts true :completion true}
                    fs {:server "sub/fs.mcp.edn" :tools [read_file list_dir] :resources :all :subscriptions true}
                    all {:server "a.mcp.edn" :tools :all}}}`)
	p, err := Load("x.agent.edn", cwd, "", "")
	if err != nil {
		t.Fatal(err)
	}
	gh, fs, all := p.MCPServers["gh"], p.MCPServers["fs"], p.MCPServers["all"]
	if gh.Server != "gh.mcp.edn" || gh.ToolsAll || gh.Tools["search"] != "search_code" || gh.Tools["issue"] != "get_issue" ||
		!gh.Resources.Allows("repo://b") || gh.Resources.Allows("repo://c") || !gh.Prompts.All || !gh.Completion || gh.Subscriptions {
		t.Errorf("gh = %+v", gh)
	}
	if fs.Tools["read_file"] != "read_file" || len(fs.Tools) != 2 || !fs.Resources.All || fs.Prompts.Granted() || !fs.Subscriptions {
		t.Errorf("fs = %+v", fs)
	}
	if !all.ToolsAll || all.Resources.Granted() {
		t.Errorf("all = %+v", all)
	}
}

func TestMCPGrantErrors(t *testing.T) {
	cwd := t.TempDir()
	for src, want := range map[string]string{
		`{:mcp-servers {gh {:server "a.mcp.edn" :tool :all}}}`: `x.agent.edn:1:40: unknown key :tool in :mcp-servers gh (did you mean :tools?)`,
		`{:mcp-servers {gh {:tools :all}}}`:                    `x.agent.edn:1:19: :mcp-servers gh: missing :server`,
		`{:mcp-servers {gh {:server 1}}}`:                      `x.agent.edn:1:28: :mcp-servers gh :server must be a server profile file name`,
		`{:mcp-servers {gh {:server "a" :tools :some}}}`:       `x.agent.edn:1:39: :mcp-servers gh :tools must be :all, a vector of tool names or a map`,
		`{:mcp-servers {gh {:server "a" :tools [1]}}}`:         `x.agent.edn:1:40: :mcp-servers gh :tools names must be strings or symbols`,
		`{:mcp-servers {gh {:server "a" :resources "x"}}}`:     `x.agent.edn:1:43: :mcp-servers gh :resources must be true, :all or a vector`,
		`{:mcp-servers {gh {:server "a" :completion "yes"}}}`:  `x.agent.edn:1:44: :mcp-servers gh :completion must be true or false`,
		`{:mcp-servers {"bad alias" {:server "a"}}}`:           `x.agent.edn:1:16: invalid MCP alias "bad alias"`,
	} {
		write(t, cwd, "x.agent.edn", src)
		got := loadErr(t, "x.agent.edn", cwd, "", "")
		if !strings.HasPrefix(got, want) {
			t.Errorf("%s:\n got  %q\n want %q", src, got, want)
		}
	}
}
