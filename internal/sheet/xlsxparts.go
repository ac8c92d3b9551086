package sheet

import (
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The fixed parts of the workbooks Writer makes: one worksheet, one style
// sheet, nothing else.

const xmlDecl = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"

const contentTypesXML = xmlDecl + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
	`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
	`<Default Extension="xml" ContentType="application/xml"/>` +
	`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
	`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>` +
	`<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>` +
	`</Types>`

const rootRelsXML = xmlDecl + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>` +
	`</Relationships>`

const workbookRelsXML = xmlDecl + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>` +
	`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
	`</Relationships>`

// Cell styles (indexes into cellXfs). Style 0, every cell's default, is
// text ("@", number format 49), so that ID numbers a user types into the
// file stay text too; style 1 is the header: bold, filled, centred
// vertically.
const (
	styleText   = 0
	styleHeader = 1
)

const stylesXML = xmlDecl + `<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
	`<fonts count="2">` +
	`<font><sz val="11"/><color theme="1"/><name val="Calibri"/><family val="2"/><scheme val="minor"/></font>` +
	`<font><b/><sz val="11"/><color theme="1"/><name val="Calibri"/><family val="2"/><scheme val="minor"/></font>` +
	`</fonts>` +
	`<fills count="3">` +
	`<fill><patternFill patternType="none"/></fill>` +
	`<fill><patternFill patternType="gray125"/></fill>` +
	`<fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/></patternFill></fill>` +
	`</fills>` +
	`<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>` +
	`<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
	`<cellXfs count="2">` +
	`<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
	`<xf numFmtId="49" fontId="1" fillId="2" borderId="0" xfId="0" applyNumberFormat="1" applyFont="1" applyFill="1" applyAlignment="1"><alignment vertical="center"/></xf>` +
	`</cellXfs>` +
	`<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>` +
	`</styleSheet>`

// workbookXML is the workbook part naming the one sheet.
func workbookXML(sheetName string) []byte {
	b := []byte(xmlDecl + `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ` +
		`xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
		`<bookViews><workbookView/></bookViews><sheets><sheet name="`)
	b = appendAttr(b, sheetName)
	return append(b, `" sheetId="1" r:id="rId1"/></sheets></workbook>`...)
}

// sheetHead is the worksheet up to its first row: the header row frozen,
// the column widths, the start of the data.
func sheetHead(widths []float64) []byte {
	b := []byte(xmlDecl + `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ` +
		`xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
		`<sheetViews><sheetView tabSelected="1" workbookViewId="0">` +
		`<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>` +
		`<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>` +
		`</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>`)
	cols := false
	for i, w := range widths {
		if !(w > 0) {
			continue
		}
		if !cols {
			b, cols = append(b, "<cols>"...), true
		}
		n := strconv.Itoa(i + 1)
		b = append(b, `<col min="`+n+`" max="`+n+`" width="`...)
		b = strconv.AppendFloat(b, min(w, maxColumnWidth), 'f', -1, 64)
		b = append(b, `" customWidth="1"/>`...)
	}
	if cols {
		b = append(b, "</cols>"...)
	}
	return append(b, "<sheetData>"...)
}

const sheetTail = `</sheetData></worksheet>`

// maxColumnWidth is the widest column Excel allows, in characters.
const maxColumnWidth = 255

// appendAttr appends s as an XML attribute value in double quotes.
func appendAttr(dst []byte, s string) []byte {
	for _, r := range s {
		switch r {
		case '&':
			dst = append(dst, "&amp;"...)
		case '<':
			dst = append(dst, "&lt;"...)
		case '"':
			dst = append(dst, "&quot;"...)
		default:
			dst = utf8.AppendRune(dst, r)
		}
	}
	return dst
}

// checkSheetName applies Excel's rules for a sheet name.
func checkSheetName(name string) error {
	switch {
	case utf8.RuneCountInString(name) > 31:
		return errors.New("工作表名称不能超过31个字符")
	case strings.ContainsAny(name, `:\/?*[]`):
		return errors.New(`工作表名称不能包含 : \ / ? * [ ]`)
	case strings.HasPrefix(name, "'") || strings.HasSuffix(name, "'"):
		return errors.New("工作表名称不能以单引号开头或结尾")
	case strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == utf8.RuneError }):
		return errors.New("工作表名称含有无效字符")
	}
	return nil
}
