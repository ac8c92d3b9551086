package jurisdiction_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// grantAllowed lists the directories (relative to the repository root) whose
// non-test code may call jurisdiction.Grant: auth turns a signed-in user or
// token into a scope; jurisdiction defines it.
var grantAllowed = []string{"internal/auth", "internal/jurisdiction"}

// TestGrantCallers fails when code outside auth calls jurisdiction.Grant: a
// scope is granted to a caller once, and every other package narrows what it
// was given.
func TestGrantCallers(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("no go.mod at %s: %v", root, err)
	}
	fset := token.NewFileSet()
	checked := 0
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "vendor") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		for _, dir := range grantAllowed {
			if filepath.ToSlash(filepath.Dir(rel)) == dir {
				return nil
			}
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		checked++
		name := "" // the file's name for the jurisdiction package
		for _, im := range f.Imports {
			if p, _ := strconv.Unquote(im.Path.Value); p == "fangkong/internal/jurisdiction" {
				name = "jurisdiction"
				if im.Name != nil {
					name = im.Name.Name
				}
			}
		}
		if name == "" || name == "_" {
			return nil
		}
		ast.Inspect(f, func(n ast.Node) bool {
			var at token.Pos
			switch x := n.(type) {
			case *ast.SelectorExpr: // jurisdiction.Grant, called or passed on
				if id, ok := x.X.(*ast.Ident); ok && id.Name == name && x.Sel.Name == "Grant" {
					at = x.Pos()
				}
			case *ast.Ident: // Grant under a dot import
				if name == "." && x.Name == "Grant" {
					at = x.Pos()
				}
			}
			if at.IsValid() {
				t.Errorf("%s: jurisdiction.Grant outside %v; narrow the caller's scope (Narrow) or name a system job (System)", fset.Position(at), grantAllowed)
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 50 {
		t.Fatalf("only %d files checked; is the walk rooted at the repository?", checked)
	}
}
