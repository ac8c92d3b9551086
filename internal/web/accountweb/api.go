package accountweb

import (
	"net/http"

	"fangkong/internal/audit"
	"fangkong/internal/auth"
	"fangkong/internal/web"
)

// meJSON is GET /api/v1/me: the caller and what they may do.
type meJSON struct {
	ID           int64             `json:"id"`
	Username     string            `json:"username"`
	DisplayName  string            `json:"display_name"`
	Role         auth.Role         `json:"role"`
	RoleName     string            `json:"role_name"`
	UnitCode     string            `json:"unit_code"`
	Capabilities []auth.Capability `json:"capabilities"`
}

// auditEntryJSON is one entry of GET /api/v1/audit.
type auditEntryJSON struct {
	ID          int64  `json:"id"`
	At          string `json:"at"`
	Username    string `json:"username"`
	Role        string `json:"role"`
	Action      string `json:"action"`
	Entity      string `json:"entity"`
	EntityID    string `json:"entity_id"`
	SubjectUnit string `json:"subject_unit"`
	Summary     string `json:"summary"`
	IP          string `json:"ip"`
	RequestID   string `json:"request_id"`
}

type auditJSON struct {
	Entries []auditEntryJSON `json:"entries"`
}

// userJSON is an account in GET and POST /api/v1/users.
type userJSON struct {
	ID          int64     `json:"id"`
	Username    string    `json:"username"`
	DisplayName string    `json:"display_name"`
	Role        auth.Role `json:"role"`
	UnitCode    string    `json:"unit_code"`
	MustChange  bool      `json:"must_change"`
	Disabled    bool      `json:"disabled"`
}

type usersJSON struct {
	Users []userJSON `json:"users"`
}

func userOut(u auth.User) userJSON {
	return userJSON{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Role: u.Role,
		UnitCode: u.UnitCode, MustChange: u.MustChange, Disabled: u.Disabled}
}

func auditEntryOut(e audit.Entry) auditEntryJSON {
	return auditEntryJSON{ID: e.ID, At: e.Time(), Username: e.Username, Role: e.Role, Action: e.Action, Entity: e.Entity,
		EntityID: e.EntityID, SubjectUnit: e.SubjectUnit, Summary: e.Summary, IP: e.IP, RequestID: e.RequestID}
}

func (h *Handler) apiMe(w http.ResponseWriter, r *http.Request) error {
	u := web.User(r)
	var caps []auth.Capability
	if ri, ok := u.Role.Info(); ok {
		caps = ri.Caps
	}
	return web.WriteJSON(w, http.StatusOK, meJSON{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName,
		Role: u.Role, RoleName: u.Role.Name(), UnitCode: u.UnitCode, Capabilities: caps})
}

func (h *Handler) apiAudit(w http.ResponseWriter, r *http.Request) error {
	entries, err := h.readEntries(r, auditFilter(r))
	if err != nil {
		return err
	}
	out := auditJSON{Entries: make([]auditEntryJSON, 0, len(entries))}
	for _, e := range entries {
		out.Entries = append(out.Entries, auditEntryOut(e))
	}
	return web.WriteJSON(w, http.StatusOK, out)
}

func (h *Handler) apiUsers(w http.ResponseWriter, r *http.Request) error {
	users, err := h.auth.Users(r.Context(), web.User(r).Scope())
	if err != nil {
		return err
	}
	out := usersJSON{Users: make([]userJSON, 0, len(users))}
	for _, u := range users {
		out.Users = append(out.Users, userOut(u))
	}
	return web.WriteJSON(w, http.StatusOK, out)
}

func (h *Handler) apiCreateUser(w http.ResponseWriter, r *http.Request) error {
	u, err := h.createUser(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, userOut(u))
}
