package measureweb

import (
	"errors"
	"net/http"
	"strings"

	"fangkong/internal/errs"

	"fangkong/internal/measure"
	"fangkong/internal/web"
)

// The person's own link (个人健康打卡): no login, the token is the key.

type selfView struct {
	M        measure.Measure
	Symptoms []string
	Today    string
	Phase    *measure.Phase
}

func (h *Handler) selfCheckForm(w http.ResponseWriter, r *http.Request) error {
	m, err := h.measures.ByToken(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	return h.render(w, r, "measure_self", "健康打卡", selfView{M: m, Symptoms: h.measures.SymptomsOf(r.Context(), m), Today: h.today(),
		Phase: m.PhaseOn(h.today())})
}

func (h *Handler) selfCheck(w http.ResponseWriter, r *http.Request) error {
	tok := r.PathValue("token")
	in, err := bindCheck(r)
	if err != nil {
		return err
	}
	c, err := h.measures.RecordCheckByToken(r.Context(), tok, in)
	if err != nil {
		return shortEcho(err)
	}
	msg := "已提交：体温 " + c.Temp() + "℃，谢谢配合"
	if c.Abnormal {
		msg = "已提交：体温 " + c.Temp() + "℃。您的情况已报告乡镇卫生院，请留在家中，工作人员会尽快联系您"
	}
	return web.Redirect(w, r, "/m/"+tok, msg)
}

// echoMax is how much of a typed value a message repeats.
const echoMax = 20

// shortEcho cuts what a validation message quotes of the input (体温“…”)
// to its first echoMax characters and "…": a paste of 2,000 characters is
// not read back in full. The input itself stays in the form.
func shortEcho(err error) error {
	var iv *errs.Invalid
	if !errors.As(err, &iv) {
		return err
	}
	msg, out := iv.Message, ""
	for {
		open := strings.Index(msg, "“")
		if open < 0 {
			break
		}
		end := strings.Index(msg[open+len("“"):], "”")
		if end < 0 {
			break
		}
		q := msg[open+len("“") : open+len("“")+end]
		if r := []rune(q); len(r) > echoMax {
			q = string(r[:echoMax]) + "…"
		}
		out += msg[:open] + "“" + q + "”"
		msg = msg[open+len("“")+end+len("”"):]
	}
	if out == "" {
		return err
	}
	return &errs.Invalid{Field: iv.Field, Message: out + msg}
}
