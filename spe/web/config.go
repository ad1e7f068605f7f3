package web

import "github.com/spell-go/spell/spe/web/webconf"

// The configuration of web/ (web.edn) lives in webconf, which links no
// network package; these names keep the web package's API.

// ConfigFile is the name of the web configuration file in the user and
// project configuration directories (runtime.md §15.1).
const ConfigFile = webconf.ConfigFile

type (
	// Settings are the effective contents of web.edn (effects.md §2).
	Settings = webconf.Settings
	// SearchSettings is :search.
	SearchSettings = webconf.SearchSettings
	// FetchSettings is :fetch.
	FetchSettings = webconf.FetchSettings
	// HTTPSettings is :http.
	HTTPSettings = webconf.HTTPSettings
)

// DefaultSettings are the spec's defaults.
func DefaultSettings() Settings { return webconf.DefaultSettings() }

// LoadSettings reads web.edn from the user directory, then the project
// directory (webconf.LoadSettings).
func LoadSettings(userDir, projectDir string) (Settings, error) {
	return webconf.LoadSettings(userDir, projectDir)
}

// ParseSettings parses one web.edn over the defaults (webconf.ParseSettings).
func ParseSettings(name string, src []byte) (Settings, error) {
	return webconf.ParseSettings(name, src)
}

func clamp(n, lo, hi int) int { return min(max(n, lo), hi) }

var (
	searchBackends = webconf.SearchBackends
	fetchBackends  = webconf.FetchBackends
)

const minMaxChars = webconf.MinMaxChars
