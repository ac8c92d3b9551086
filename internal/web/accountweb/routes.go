package accountweb

import (
	"fangkong/internal/auth"
	"fangkong/internal/web"
)

// Routes is the route table of sign-in, the own account, the users admin
// and the audit log.
func (h *Handler) Routes() []web.Route {
	return []web.Route{
		web.Public("GET /login", nil, h.loginForm),
		web.Public("POST /login", nil, h.login),
		web.Page("POST /logout", web.AnyUser, h.logout),
		web.Page("GET /password", web.AnyUser, h.passwordForm),
		web.Page("POST /password", web.AnyUser, h.changePassword),
		web.Page("GET /account", web.AnyUser, h.account),
		web.Page("POST /account/tokens", web.AnyUser, h.createToken),
		web.Page("POST /account/tokens/{id}/revoke", web.AnyUser, h.revokeToken),
		web.API("GET /api/v1/me", web.AnyUser, h.apiMe),

		web.Page("GET /audit", auth.CapAuditRead, h.auditPage),
		web.API("GET /api/v1/audit", auth.CapAuditRead, h.apiAudit),

		web.Page("GET /admin/users", auth.CapUsersManage, h.usersPage),
		web.API("GET /api/v1/users", auth.CapUsersManage, h.apiUsers),
		web.Page("POST /admin/users", auth.CapUsersManage, h.userCreate),
		web.Page("POST /admin/users/import", auth.CapUsersManage, h.usersImport),
		web.API("POST /api/v1/users", auth.CapUsersManage, h.apiCreateUser),
		web.Page("POST /admin/users/{id}/password", auth.CapUsersManage, h.userResetPassword),
		web.Page("POST /admin/users/{id}/disable", auth.CapUsersManage, h.userDisable),
	}
}
