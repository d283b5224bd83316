package userfile

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func TestRead(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	small := filepath.Join(dir, "small.yaml")
	if err := os.WriteFile(small, []byte("numbers: {}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(big, bytes.Repeat([]byte("x"), 2<<20+1), 0o600); err != nil {
		t.Fatal(err)
	}

	if data, err := Read(small, 12); err != nil || string(data) != "numbers: {}\n" {
		t.Errorf("Read(small) = %q, %v", data, err)
	}
	_, err := Read(big, 2<<20)
	var large *TooLargeError
	if !errors.As(err, &large) || large.Size != 2<<20+1 || large.Limit != 2<<20 {
		t.Errorf("Read(big) = %v, want a TooLargeError of its size", err)
	}
	if want := "read " + big + ": larger than 2 MiB, the most that is read"; err == nil || err.Error() != want {
		t.Errorf("Read(big) = %v, want %s", err, want)
	}
	_, err = Read(dir, 1<<20)
	var notRegular *NotRegularError
	if !errors.As(err, &notRegular) || err.Error() != "read "+dir+": a directory, not a regular file" {
		t.Errorf("Read(dir) = %v", err)
	}
	if _, err := Read(filepath.Join(dir, "missing"), 1<<20); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Read(missing) = %v, want ErrNotExist", err)
	}
}

// growing is a file that says it holds size bytes and holds more: one that grows while it is read.
type growing struct {
	fs.File
	size int64
}

func (g growing) Stat() (fs.FileInfo, error) {
	fi, err := g.File.Stat()
	return sizedInfo{fi, g.size}, err
}

type sizedInfo struct {
	fs.FileInfo
	size int64
}

func (i sizedInfo) Size() int64 { return i.size }

// TestReadOpenStopsAtTheLimit: a file that grows after it was looked at is read no further
// than the limit, and refused.
func TestReadOpenStopsAtTheLimit(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{"f": {Data: bytes.Repeat([]byte("x"), 100), ModTime: time.Now()}}
	f, err := fsys.Open("f")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, err = ReadOpen(growing{f, 10}, 50)
	var large *TooLargeError
	if !errors.As(err, &large) || large.Size != 51 {
		t.Errorf("ReadOpen = %v, want a TooLargeError after 51 bytes", err)
	}
}

func TestKind(t *testing.T) {
	t.Parallel()
	for m, want := range map[fs.FileMode]string{
		fs.ModeNamedPipe:                  "a named pipe (FIFO)",
		fs.ModeSocket:                     "a socket",
		fs.ModeDevice | fs.ModeCharDevice: "a character device",
		fs.ModeDevice:                     "a device",
		fs.ModeDir:                        "a directory",
		fs.ModeIrregular:                  "a special file",
	} {
		if got := Kind(m); got != want {
			t.Errorf("Kind(%v) = %q, want %q", m, got, want)
		}
		if err := Check(sizedInfo{modeInfo(m), 0}, 1); err == nil || !strings.HasSuffix(err.Error(), ", not a regular file") {
			t.Errorf("Check(%v) = %v", m, err)
		}
	}
}

type modeInfo fs.FileMode

func (m modeInfo) Name() string       { return "f" }
func (m modeInfo) Size() int64        { return 0 }
func (m modeInfo) Mode() fs.FileMode  { return fs.FileMode(m) }
func (m modeInfo) ModTime() time.Time { return time.Time{} }
func (m modeInfo) IsDir() bool        { return fs.FileMode(m).IsDir() }
func (m modeInfo) Sys() any           { return nil }
