// Package views is everything the commands show: a plan as text, Markdown or JSON, its
// diagnostics as GitHub annotations, the progress of reading the account and of an apply, and
// the apply's report. As Terraform's internal/command/views, it only reads the data that plan
// and apply produce: plan keeps the data and the diff, apply the execution, and the commands in
// internal/cli call a view to print them.
//
// The signs, nouns and verbs of the actions ("+", "route", "to create", "created") come from
// plan's table of actions (plan.Actions); a view lists no action again.
package views
