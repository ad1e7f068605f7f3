package profile

import (
	"fmt"
	"sort"

	"github.com/spell-go/spell/eval/config"
	"github.com/spell-go/spell/eval/value"
)

// mcpGrantKeys are the keys of one :mcp-servers grant (effects.md §10).
var mcpGrantKeys = []string{"server", "tools", "resources", "prompts", "completion", "subscriptions"}

// MCPAccess is a grant of resources or prompts: All, or the listed Names
// (URIs or prompt names); the zero value grants nothing.
type MCPAccess struct {
	All   bool
	Names []string
}

// Allows reports whether name is granted.
func (a MCPAccess) Allows(name string) bool {
	return a.All || contains(a.Names, name)
}

// Granted reports whether anything is granted.
func (a MCPAccess) Granted() bool { return a.All || len(a.Names) > 0 }

// decodeGrant reads the grant map g of alias into mg.
func (d *document) decodeGrant(alias string, g *value.Map, mg *MCPGrant) error {
	fs, err := d.Fields(g, ":mcp-servers "+alias, mcpGrantKeys)
	if err != nil {
		return err
	}
	for _, f := range fs {
		what := ":mcp-servers " + alias + " :" + f.Name
		switch f.Name {
		case "server":
			s, ok := f.Val.(string)
			if !ok || s == "" {
				return fmt.Errorf("%s: %s must be a server profile file name such as \"x.mcp.edn\", got %s", f.ValPos, what, describe(f.Val))
			}
			mg.Server = s
		case "tools":
			if err := d.grantTools(f, what, mg); err != nil {
				return err
			}
		case "resources":
			mg.Resources, err = d.grantAccess(f, what)
		case "prompts":
			mg.Prompts, err = d.grantAccess(f, what)
		case "completion", "subscriptions":
			b, ok := f.Val.(bool)
			if !ok && f.Val != nil {
				return fmt.Errorf("%s: %s must be true or false, got %s", f.ValPos, what, describe(f.Val))
			}
			if f.Name == "completion" {
				mg.Completion = b
			} else {
				mg.Subscriptions = b
			}
		}
		if err != nil {
			return err
		}
	}
	if mg.Server == "" {
		return fmt.Errorf("%s: :mcp-servers %s: missing :server", d.pos(g, d.loc.display), alias)
	}
	return nil
}

// grantTools reads :tools :all | [names] | {spell-name "rawName"}.
func (d *document) grantTools(f config.Field, what string, mg *MCPGrant) error {
	mg.Tools = map[string]string{}
	switch v := f.Val.(type) {
	case *value.Keyword:
		if v.FullName() == "all" {
			mg.ToolsAll = true
			return nil
		}
	case nil:
		return nil
	case *value.Vector:
		for i := 0; i < v.Count(); i++ {
			x, _ := v.Nth(i)
			name, ok := config.NameOf(x)
			if !ok || name == "" {
				return fmt.Errorf("%s: %s names must be strings or symbols, got %s", d.ChildPos(v, i, f.ValPos), what, describe(x))
			}
			mg.Tools[name] = name
		}
		return nil
	case *value.Map:
		var err error
		i := 0
		v.Range(func(k, raw value.Value) bool {
			spell, ok1 := config.NameOf(k)
			rawName, ok2 := raw.(string)
			if !ok1 || !ok2 || spell == "" || rawName == "" {
				err = fmt.Errorf("%s: %s maps a Spell name to the server's tool name, e.g. {search \"web_search\"}", d.ChildPos(v, 2*i, f.ValPos), what)
				return false
			}
			mg.Tools[spell] = rawName
			i++
			return true
		})
		return err
	}
	return fmt.Errorf("%s: %s must be :all, a vector of tool names or a map spell-name → tool name, got %s", f.ValPos, what, describe(f.Val))
}

// grantAccess reads true | :all | [names].
func (d *document) grantAccess(f config.Field, what string) (MCPAccess, error) {
	switch v := f.Val.(type) {
	case bool:
		return MCPAccess{All: v}, nil
	case nil:
		return MCPAccess{}, nil
	case *value.Keyword:
		if v.FullName() == "all" {
			return MCPAccess{All: true}, nil
		}
	case *value.Vector:
		var a MCPAccess
		for i := 0; i < v.Count(); i++ {
			x, _ := v.Nth(i)
			s, ok := config.NameOf(x)
			if !ok || s == "" {
				return MCPAccess{}, fmt.Errorf("%s: %s entries must be strings, got %s", d.ChildPos(v, i, f.ValPos), what, describe(x))
			}
			a.Names = append(a.Names, s)
		}
		sort.Strings(a.Names)
		return a, nil
	}
	return MCPAccess{}, fmt.Errorf("%s: %s must be true, :all or a vector, got %s", f.ValPos, what, describe(f.Val))
}
