package registry

import "fangkong/internal/personal"

// Temporary forwards while the demo generator moves to package personal.
var (
	IDCheckDigit      = personal.IDCheckDigit
	NormalizeIDNumber = personal.NormalizeIDNumber
	NormalizePhone    = personal.NormalizePhone
	IDSex             = personal.IDSex
	IDBirthDate       = personal.IDBirthDate
)
