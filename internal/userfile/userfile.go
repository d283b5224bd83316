// Package userfile reads a file that a user names (a spec, a plan file) with the rules every
// such read follows: only a regular file is read, never more than a size bound, and a named
// pipe or device put in its place neither blocks the reader nor feeds it without end. The file
// is looked at before it is opened and again once open, as it may be replaced in between.
package userfile

import (
	"fmt"
	"io"
	"io/fs"
	"os"
)

// NotRegularError is the error for what is not a regular file: a directory, a named pipe, a
// device, a socket.
type NotRegularError struct{ Mode fs.FileMode }

func (e *NotRegularError) Error() string { return Kind(e.Mode) + ", not a regular file" }

// TooLargeError is the error for a file larger than Limit bytes. Size is what was found: the
// size the file system gave, or, for a file that grew while it was read, the bytes read before
// the limit stopped the reading.
type TooLargeError struct{ Size, Limit int64 }

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("larger than %s, the most that is read", mib(e.Limit))
}

// mib writes n bytes in MiB when it is a whole number of them.
func mib(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// Kind names the type of a file that is not a regular file, for messages.
func Kind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m.IsDir():
		return "a directory"
	}
	return "a special file"
}

// Check returns a *NotRegularError for what fi describes when it is not a regular file, and a
// *TooLargeError when it is larger than limit bytes.
func Check(fi fs.FileInfo, limit int64) error {
	switch {
	case !fi.Mode().IsRegular():
		return &NotRegularError{Mode: fi.Mode()}
	case fi.Size() > limit:
		return &TooLargeError{Size: fi.Size(), Limit: limit}
	}
	return nil
}

// Read reads the file name: a regular file of at most limit bytes. What is not one is refused
// before it is opened, and again once open (it may have been replaced since). The errors of
// Check come wrapped in an *fs.PathError that names the file.
func Read(name string, limit int64) ([]byte, error) {
	fi, err := os.Stat(name)
	if err != nil {
		return nil, err
	}
	if err := Check(fi, limit); err != nil {
		return nil, &fs.PathError{Op: "read", Path: name, Err: err}
	}
	f, err := Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := ReadOpen(f, limit)
	if err != nil {
		return nil, &fs.PathError{Op: "read", Path: name, Err: err}
	}
	return data, nil
}

// ReadOpen reads f, opened for reading (by Open, or from an fs.FS), when it is a regular file,
// and at most limit bytes of it: a file that grows while it is read is refused, not read on.
// It returns the errors of Check, or those of Stat and Read.
func ReadOpen(f fs.File, limit int64) ([]byte, error) {
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if err := Check(fi, limit); err != nil {
		return nil, err
	}
	data, err := readInto(io.LimitReader(f, limit+1), make([]byte, 0, fi.Size()+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, &TooLargeError{Size: int64(len(data)), Limit: limit}
	}
	return data, nil
}

// readInto reads rd to its end into buf, which has room for what is expected: io.ReadAll would
// grow a buffer from nothing, copying a large file many times over.
func readInto(rd io.Reader, buf []byte) ([]byte, error) {
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := rd.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}
