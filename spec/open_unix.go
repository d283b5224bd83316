//go:build unix

package spec

import (
	"os"
	"syscall"
)

// openFile opens name for reading without waiting: opening a FIFO blocks until a writer
// comes, and the caller refuses anything but a regular file once it is open.
func openFile(name string) (*os.File, error) {
	return os.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}
