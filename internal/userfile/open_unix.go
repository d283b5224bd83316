//go:build unix

package userfile

import (
	"os"
	"syscall"
)

// Open opens name for reading without waiting: opening a named pipe blocks until a writer
// comes, and a device may wait too. Check what it opened (ReadOpen does) before reading it.
func Open(name string) (*os.File, error) {
	return os.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}
