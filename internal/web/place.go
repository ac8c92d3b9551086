package web

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"fangkong/internal/errs"
	"fangkong/internal/place"
)

// PlaceJSON is a place as the suggestion endpoints answer it.
type PlaceJSON struct {
	Code      string `json:"code"`
	FullName  string `json:"full_name"`
	Path      string `json:"path"`
	Level     int    `json:"level"`
	LevelName string `json:"level_name"`
	Detail    string `json:"detail,omitempty"`
}

// PlacesJSON is the answer of a suggestion endpoint.
type PlacesJSON struct {
	Places []PlaceJSON `json:"places"`
}

// PlaceOut is a candidate as JSON.
func PlaceOut(c place.Candidate) PlaceJSON {
	return PlaceJSON{Code: c.Code, FullName: c.FullName(), Path: c.Path(), Level: c.Level, LevelName: c.LevelName(), Detail: c.Detail}
}

// PlacesOut is candidates as JSON (an empty list, never null).
func PlacesOut(cs []place.Candidate) []PlaceJSON {
	out := make([]PlaceJSON, 0, len(cs))
	for _, c := range cs {
		out = append(out, PlaceOut(c))
	}
	return out
}

// MaxSuggestions bounds the places a suggestion endpoint answers.
const MaxSuggestions = 10

// WritePlaceSuggestions answers ?q= (a place being typed) with up to
// MaxSuggestions places from suggest (place.Resolver.Suggest).
func WritePlaceSuggestions(w http.ResponseWriter, r *http.Request, suggest func(string, int) []place.Candidate) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if utf8.RuneCountInString(q) > 100 {
		return errs.Invalidf("q", "地名请在100字以内")
	}
	var cs []place.Candidate
	if q != "" {
		cs = suggest(q, MaxSuggestions)
	}
	return WriteJSON(w, http.StatusOK, PlacesJSON{Places: PlacesOut(cs)})
}

// PlaceField is a place on a form, typed as a name or a code (地名或区划代码),
// drawn by the "place" partial: the input (with suggestions as one types
// when Suggest names an endpoint and JavaScript runs), and after a
// submission that could not settle the place, the question 您是指… with a
// radio button per candidate.
type PlaceField struct {
	ID, Name, Label, Value, Placeholder string
	Required                            bool
	Suggest                             string // URL answering ?q= with PlacesJSON; "" = none
	Ask                                 *PlaceAsk
}

// PlaceAsk is the question 您是指… beside a place field.
type PlaceAsk struct {
	Typed      string
	Candidates []PlaceJSON
	Total      int  // readings in all (Candidates may be fewer)
	Fuzzy      bool // one doubtful reading
	PickName   string
	// AskedName is the hidden field that carries Typed back: the same text
	// submitted again with no candidate picked is saved as it is (待核实).
	AskedName string
	// Pending offers to save the place as typed, to be settled later (地点待核实).
	Pending bool
}

// None reports that nothing was found.
func (a *PlaceAsk) None() bool { return a.Total == 0 }

// More reports readings beyond those listed.
func (a *PlaceAsk) More() bool { return a.Total > len(a.Candidates) }

// AskPlace is the question to put before saving text as a place, or nil
// when there is nothing to ask: no text, a candidate already picked, a
// clear reading, or the same text already asked about (the person chose to
// save it as typed).
func AskPlace(res place.Result, text, picked, asked, pickName, askedName string, pending bool) *PlaceAsk {
	if text == "" || picked != "" || pending && asked == text {
		return nil
	}
	if _, ok := res.Resolved(); ok {
		return nil
	}
	return &PlaceAsk{Typed: text, Candidates: PlacesOut(res.Candidates), Total: res.Total, Fuzzy: res.Fuzzy,
		PickName: pickName, AskedName: askedName, Pending: pending}
}
