package riskarea

import (
	"strings"
	"unicode/utf8"

	"fangkong/internal/errs"
)

// resolve turns an entry's place typed as a name into its code: only a
// clear reading is taken; an ambiguous or doubtful one, or none, is refused
// with the candidates named, so that a list never holds a guessed place.
func (s *Service) resolve(e *Entry) error {
	text := e.Code
	if text == "" {
		// No code: the place's name is what was given (西安市雁塔区).
		text, e.PlaceName = strings.TrimSpace(e.PlaceName), ""
	}
	if text == "" || utf8.RuneCountInString(text) > 100 {
		return errs.Invalidf("区划代码", "请填写区划代码（2、4、6、9或12位）或地名，如 610113 或 西安市雁塔区")
	}
	res := s.levels.Resolve(text)
	c, ok := res.Resolved()
	if !ok {
		if len(res.Candidates) == 0 {
			return errs.Invalidf("区划代码", "未能识别地点“%s”，请填写区划代码（2、4、6、9或12位）或省市区县名称", text)
		}
		return errs.Invalidf("区划代码", "“%s”可能是：%s，请选择或填写区划代码", text, res.Choices())
	}
	e.Code = c.Code
	if e.PlaceName == "" {
		e.PlaceName = c.FullName()
	}
	if c.Detail != "" {
		e.Detail = strings.TrimSpace(c.Detail + " " + e.Detail)
	}
	return nil
}
