package spe

import (
	"io"

	"github.com/spell-go/spell/eval/value"
	"github.com/spell-go/spell/spe/profile"
	"github.com/spell-go/spell/spe/prompt"
	"github.com/spell-go/spell/spe/skills"
)

// extensions are what an agent gets besides its profile's namespaces:
// the discovered skills (effects.md §9).
type extensions struct {
	skills *skills.Set
}

// discoverSkills finds the skills of the working directory, the user and
// the bundled ones, and prints the diagnostics of invalid files on stderr
// (never shown to the model).
func (o *opening) discoverSkills() error {
	o.ext.skills = DiscoverSkills(o.cfg.Cwd, o.cfg.Getenv("HOME"), o.cfg.Stderr)
	return nil
}

// DiscoverSkills finds the skills an agent started in cwd gets (home is
// $HOME, "" for none) and writes the bounded diagnostics of invalid files
// to stderr as warnings.
func DiscoverSkills(cwd, home string, stderr io.Writer) *skills.Set {
	set := skills.Discover(cwd, skills.Sources(cwd, repoRoot(cwd), home, nil))
	_ = set.Catalogue() // decides what the catalogue drops, for the warning
	for _, w := range set.Warnings() {
		warnf(stderr, "skill %s", w)
	}
	return set
}

// SkillDocs is the NAMESPACES entry of a skill set: the catalogue, or
// nothing when there are no skills.
func SkillDocs(set *skills.Set) []prompt.NamespaceDoc {
	if set == nil || len(set.Skills) == 0 {
		return nil
	}
	return []prompt.NamespaceDoc{{Name: "skills", ShortDoc: skills.ShortDocs, Catalogue: set.Catalogue()}}
}

// repoRoot is the repository root above cwd, or "" outside a repository
// (skills are then looked up in cwd alone).
func repoRoot(cwd string) string {
	r := profile.ProjectRoot(cwd)
	if r == cwd {
		return ""
	}
	return r
}

// promptDocs are the NAMESPACES entries of the extensions: the skills
// catalogue when there are skills.
func (o *opening) promptDocs() []prompt.NamespaceDoc {
	return SkillDocs(o.ext.skills)
}

// core are the core namespaces the extensions replace.
func (o *opening) core() map[string]*value.Map {
	if o.ext.skills == nil || len(o.ext.skills.Skills) == 0 {
		return nil
	}
	return map[string]*value.Map{"skills": o.ext.skills.Namespace()}
}
