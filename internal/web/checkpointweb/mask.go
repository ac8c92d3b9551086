package checkpointweb

import "fangkong/internal/personal"

func maskID(s string) string {
	if s == "" {
		return ""
	}
	return personal.MaskID(s)
}

func maskPhone(s string) string {
	if s == "" {
		return ""
	}
	return personal.MaskPhone(s)
}
