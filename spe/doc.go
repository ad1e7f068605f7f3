// Package spe owns the self-programmed execution runtime: the turn loop
// behind !llm-self (prompt normalisation, parse in completion mode,
// evaluation in a fresh environment, tail self-calls as a trampoline),
// the turn-producing helpers' effect side, recovery, limits and budgets,
// effect bookkeeping for resume, and the wiring of providers, transcripts,
// traces, profiles and effect namespaces (sub-packages) into one run.
package spe
