package spec

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/flowroute-numbers/flowroute-numbers/internal/userfile"
)

// Files returns the spec files that paths name, as Load reads them: a file as given, a
// directory as its *.yaml and *.yml files in name order (through symbolic links, without its
// subdirectories), each file once however it is named. Commands that handle spec files one by
// one (fmt, add) list them with it. The error is an Errors naming each path that cannot be
// read and each directory that holds no spec file; the files found are returned with it.
func Files(paths ...string) ([]string, error) {
	l := newLoader()
	var files []string
	eachFile(osFS{}, filepath.Join, paths, l, func(name string, _ fs.FileInfo) { files = append(files, name) })
	if len(l.errs) > 0 {
		return files, l.errs.sorted()
	}
	return files, nil
}

// osFS is the operating system's file system with paths as the user gave them (relative or
// absolute), so that positions name files the way the user wrote them. Files open without
// waiting, as a named pipe put in a file's place would make them wait.
type osFS struct{}

func (osFS) Open(name string) (fs.File, error)          { return userfile.Open(name) }
func (osFS) Stat(name string) (fs.FileInfo, error)      { return os.Stat(name) }
func (osFS) ReadDir(name string) ([]fs.DirEntry, error) { return os.ReadDir(name) }

// eachFile calls add with each file that paths name in fsys (a directory standing for its
// *.yaml and *.yml files, in name order), once however it is named: a path spelled another
// way (-f dir -f ./dir/a.yaml) or a link to a file already given is the same file. fi is the
// file's Stat, which follows a symbolic link. Paths that cannot be read, and directories
// that hold no spec file, are reported to l; join joins paths in fsys.
func eachFile(fsys fs.FS, join func(...string) string, paths []string, l *loader, add func(name string, fi fs.FileInfo)) {
	if len(paths) == 0 {
		l.errorf(Pos{}, "", "no spec files given")
	}
	once := fileSet{seen: map[string]bool{}, bySize: map[int64][]fs.FileInfo{}}
	for _, p := range paths {
		fi, err := fs.Stat(fsys, p)
		if err != nil {
			l.errorf(Pos{File: p}, "", "cannot read: %s", ioProblem(err))
			continue
		}
		if !fi.IsDir() {
			if once.add(join(p), fi) {
				add(p, fi)
			}
			continue
		}
		entries, err := fs.ReadDir(fsys, p)
		if err != nil {
			l.errorf(Pos{File: p}, "", "cannot read the directory: %s", ioProblem(err))
			continue
		}
		n := 0
		for _, e := range entries {
			if ext := strings.ToLower(path.Ext(e.Name())); e.IsDir() || ext != ".yaml" && ext != ".yml" {
				continue
			}
			f := join(p, e.Name())
			fi, err := fs.Stat(fsys, f) // follows a symbolic link, which the entry does not
			switch {
			case err != nil:
				l.errorf(Pos{File: f}, "", "cannot read: %s", ioProblem(err))
			case fi.IsDir():
				continue // a directory named *.yaml is not a spec file
			case once.add(f, fi):
				add(f, fi)
			}
			n++
		}
		if n == 0 {
			l.errorf(Pos{File: p}, "", "the directory holds no .yaml or .yml files")
		}
	}
}

// fileSet is the files met so far, to meet each once.
type fileSet struct {
	seen   map[string]bool         // cleaned paths
	bySize map[int64][]fs.FileInfo // by size: a link to a file met is the same file
}

// add reports whether the file at the cleaned path clean, whose Stat is fi, is met for the
// first time, and records it.
func (s fileSet) add(clean string, fi fs.FileInfo) bool {
	if s.seen[clean] {
		return false
	}
	s.seen[clean] = true
	for _, other := range s.bySize[fi.Size()] {
		if os.SameFile(fi, other) {
			return false // a symbolic or hard link to a file met already
		}
	}
	s.bySize[fi.Size()] = append(s.bySize[fi.Size()], fi)
	return true
}
