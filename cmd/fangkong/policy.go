package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"fangkong/internal/app"
	"fangkong/internal/policy"
)

// policyCmd: fangkong policy plan|list. Without --db it uses the versions
// shipped in the binary; with --db, the versions stored in that database
// (including the command centre's own).
func policyCmd(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("usage: fangkong policy plan|list: %w", errUsage)
	}
	fs := flag.NewFlagSet("policy "+args[0], flag.ContinueOnError)
	dbURL := fs.String("db", "", "database URL (default: the versions shipped in the binary)")
	category := fs.String("category", "", "category code or Chinese name, e.g. close_contact or 密切接触者")
	dayZero := fs.String("day-zero", "", "day zero YYYY-MM-DD (Asia/Shanghai calendar day)")
	versionName := fs.String("version", "", "policy version name (default: the one in force on day zero)")
	choice := fs.String("choice", "", "county's choice where the rule allows: central|home (集中|居家)")
	place := fs.String("place", "", "place the person came from (for the explanation)")
	risk := fs.String("risk", "", "risk level of that place: 高|中|低")
	asJSON := fs.Bool("json", false, "print JSON (the same as GET /api/v1/policy/plan)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	vs := policy.Defaults()
	if *dbURL != "" {
		a, err := app.New(ctx, app.Config{DB: *dbURL, Logger: logger()})
		if err != nil {
			return err
		}
		defer a.Close()
		if vs, err = a.Policy.Versions(ctx); err != nil {
			return err
		}
	}
	switch args[0] {
	case "plan":
		if *category == "" || *dayZero == "" {
			return fmt.Errorf("policy plan needs --category and --day-zero: %w", errUsage)
		}
		p, err := policy.PlanWith(vs, *versionName, *category, *choice, *dayZero,
			policy.Circumstances{Place: *place, RiskLevel: *risk})
		if err != nil {
			return err
		}
		if *asJSON {
			enc := json.NewEncoder(os.Stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(p)
		}
		printPlan(os.Stdout, p)
		return nil
	case "list":
		if *asJSON {
			enc := json.NewEncoder(os.Stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(map[string]any{"versions": vs, "categories": policy.Categories})
		}
		printPolicyList(os.Stdout, vs)
		return nil
	}
	return fmt.Errorf("unknown policy command %q: %w", args[0], errUsage)
}

func printPlan(w io.Writer, p policy.Plan) {
	fmt.Fprintf(w, "version      %s\n", p.Version)
	cat := p.Category + " " + p.CategoryName
	if p.Choice != "" {
		cat += " (" + policy.ChoiceName(p.Choice) + ")"
	}
	fmt.Fprintf(w, "category     %s\n", cat)
	fmt.Fprintf(w, "day zero     %s (%s; day 1 = %s)\n", p.DayZero, p.DayZeroName, policy.AddDays(p.DayZero, 1))
	if p.HandOff {
		fmt.Fprintln(w, "phases       none: hand-off to the designated hospital")
	} else if len(p.Phases) == 0 {
		fmt.Fprintln(w, "phases       none")
	}
	for i, ph := range p.Phases {
		fmt.Fprintf(w, "phase %d      %s %s  %s .. %s  %d days (day %d-%d), %d checks/day\n",
			i+1, ph.Type, ph.Name, ph.Start, ph.End, ph.Days, ph.FromDay, ph.ToDay, ph.ChecksDaily)
	}
	var tests []string
	for _, t := range p.Tests {
		s := fmt.Sprintf("%s (day %d", t.Date, t.Day)
		if t.Phase >= 0 {
			s += fmt.Sprintf(", phase %d day %d", t.Phase+1, t.PhaseDay)
		}
		tests = append(tests, s+")")
	}
	if p.OpenEnded {
		tests = append(tests, fmt.Sprintf("... every %d day(s) while at the post", p.EveryDays))
	}
	if len(tests) == 0 {
		tests = []string{"none"}
	}
	fmt.Fprintf(w, "tests        %s\n", strings.Join(tests, "\n             "))
	end := p.End
	if end == "" {
		end = "open-ended"
	}
	fmt.Fprintf(w, "end          %s\n", end)
	fmt.Fprintf(w, "explanation  %s\n", p.Explanation)
}

func printPolicyList(w io.Writer, vs []policy.Version) {
	fmt.Fprintln(w, "versions:")
	tw := tabwriter.NewWriter(w, 2, 2, 2, ' ', 0)
	for _, v := range vs {
		eff := v.EffectiveFrom
		if eff == "" {
			eff = "reference only"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%d rules\t%s\n", v.Name, eff, len(v.Rules), v.Note)
	}
	tw.Flush()
	fmt.Fprintln(w, "categories:")
	tw = tabwriter.NewWriter(w, 2, 2, 2, ' ', 0)
	for _, c := range policy.Categories {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", c.Code, c.Name, strings.Join(c.Aliases, "、"))
	}
	tw.Flush()
	fmt.Fprintln(w, "choices (high_risk_post): central 集中 (default), home 居家")
}
