package cli

import (
	"encoding/json"
	"io"
	"path/filepath"
	"strings"

	"github.com/spell-go/spell/lint"
	"github.com/spell-go/spell/syntax"
)

// SARIF 2.1.0 output of spell lint (--format sarif), for code-scanning
// tools: one run whose driver lists every implemented rule; each finding is
// a result with its rule, level, message, region and proposed fixes.
// Columns count Unicode code points, as in the text output.

const (
	sarifSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	sarifVersion = "2.1.0"
	// sarifRoot is the base id of artifact URIs: the working directory.
	sarifRoot = "%SRCROOT%"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool               sarifTool                   `json:"tool"`
	OriginalURIBaseIDs map[string]sarifArtifactLoc `json:"originalUriBaseIds"`
	ColumnKind         string                      `json:"columnKind"`
	Results            []sarifResult               `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name  string      `json:"name"`
	Rules []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string            `json:"id"`
	ShortDescription     sarifText         `json:"shortDescription"`
	FullDescription      sarifText         `json:"fullDescription"`
	Help                 sarifText         `json:"help"`
	DefaultConfiguration sarifRuleConfig   `json:"defaultConfiguration"`
	Properties           map[string]string `json:"properties"`
}

type sarifRuleConfig struct {
	Enabled bool   `json:"enabled"`
	Level   string `json:"level"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifResult struct {
	RuleID    string          `json:"ruleId"`
	RuleIndex int             `json:"ruleIndex"`
	Level     string          `json:"level"`
	Message   sarifText       `json:"message"`
	Locations []sarifLocation `json:"locations"`
	Fixes     []sarifFix      `json:"fixes,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifactLoc `json:"artifactLocation"`
	Region           sarifRegion      `json:"region"`
}

type sarifArtifactLoc struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn"`
	EndLine     int `json:"endLine"`
	EndColumn   int `json:"endColumn"`
}

type sarifFix struct {
	Description     sarifText             `json:"description"`
	ArtifactChanges []sarifArtifactChange `json:"artifactChanges"`
}

type sarifArtifactChange struct {
	ArtifactLocation sarifArtifactLoc   `json:"artifactLocation"`
	Replacements     []sarifReplacement `json:"replacements"`
}

type sarifReplacement struct {
	DeletedRegion   sarifRegion `json:"deletedRegion"`
	InsertedContent sarifText   `json:"insertedContent"`
}

// sarifLevel maps a lint level to a SARIF result level.
func sarifLevel(l lint.Level) string {
	switch l {
	case lint.LevelError:
		return "error"
	case lint.LevelWarning:
		return "warning"
	case lint.LevelInfo:
		return "note"
	}
	return "none"
}

// sarifRules lists the implemented rules; index maps an id to its place.
func sarifRules() (rules []sarifRule, index map[string]int) {
	index = map[string]int{}
	for _, r := range lint.Rules {
		if !r.Implemented {
			continue
		}
		help := r.Description + "\nDefault level: " + r.DefaultLevel.String() + "."
		if r.Example != "" {
			help += "\nExample: " + r.Example
		}
		help += "\nSilence it before a form with #_{:spell/ignore [:" + r.ID + "]}, or everywhere in .spell/lint.edn with {:linters {:" + r.ID + " {:level :off}}}."
		index[r.ID] = len(rules)
		rules = append(rules, sarifRule{
			ID:                   r.ID,
			ShortDescription:     sarifText{firstSentence(r.Description)},
			FullDescription:      sarifText{r.Description},
			Help:                 sarifText{help},
			DefaultConfiguration: sarifRuleConfig{Enabled: r.DefaultLevel != lint.LevelOff, Level: sarifLevel(r.DefaultLevel)},
			Properties:           map[string]string{"priority": r.Priority},
		})
	}
	return rules, index
}

// firstSentence is the text up to the first ". " (or all of it).
func firstSentence(s string) string {
	if i := strings.Index(s, ". "); i >= 0 {
		return s[:i+1]
	}
	return s
}

// sarifURI is a display name as a URI reference relative to the working
// directory (slashes, each segment escaped).
func sarifURI(name string) string {
	segs := strings.Split(filepath.ToSlash(name), "/")
	for i, s := range segs {
		segs[i] = escapeURIPath(s, true)
	}
	return strings.Join(segs, "/")
}

func sarifRegionOf(f *syntax.File, start, end int32) sarifRegion {
	s, e := f.Position(start), f.Position(end)
	return sarifRegion{StartLine: s.Line, StartColumn: s.Col, EndLine: e.Line, EndColumn: e.Col}
}

func writeLintSARIF(w io.Writer, results []lintResult, cwd string) error {
	rules, index := sarifRules()
	root := fileURI(filepath.ToSlash(cwd) + "/")
	run := sarifRun{
		Tool:               sarifTool{Driver: sarifDriver{Name: "spell lint", Rules: rules}},
		OriginalURIBaseIDs: map[string]sarifArtifactLoc{sarifRoot: {URI: root}},
		ColumnKind:         "unicodeCodePoints",
		Results:            []sarifResult{},
	}
	for _, res := range results {
		loc := sarifArtifactLoc{URI: sarifURI(res.name), URIBaseID: sarifRoot}
		for _, d := range res.diags {
			r := sarifResult{
				RuleID: d.Rule, RuleIndex: index[d.Rule], Level: sarifLevel(d.Level), Message: sarifText{d.Message},
				Locations: []sarifLocation{{PhysicalLocation: sarifPhysical{ArtifactLocation: loc, Region: sarifRegionOf(res.file, d.Start, d.End)}}},
			}
			for _, fx := range d.Fixes {
				ch := sarifArtifactChange{ArtifactLocation: loc}
				for _, ed := range fx.Edits {
					ch.Replacements = append(ch.Replacements, sarifReplacement{
						DeletedRegion: sarifRegionOf(res.file, ed.Start, ed.End), InsertedContent: sarifText{ed.NewText}})
				}
				r.Fixes = append(r.Fixes, sarifFix{Description: sarifText{fx.Message}, ArtifactChanges: []sarifArtifactChange{ch}})
			}
			run.Results = append(run.Results, r)
		}
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{Schema: sarifSchema, Version: sarifVersion, Runs: []sarifRun{run}})
}
