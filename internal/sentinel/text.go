package sentinel

import "fangkong/internal/personal"

func personalText(s string) (string, error) { return personal.Text(s) }
