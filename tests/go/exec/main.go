// Starting host programs with os/exec (fork/exec through clone(CLONE_VM|CLONE_VFORK),
// pipes, exit statuses, the environment). Under qemu-riscv64 the host's programs run
// natively; typevisor runs them as host processes bridged to the guest's pipes.
package main

import (
	"bufio"
	"errors"
	"fmt"
	"os/exec"
	"strings"
)

func main() {
	out, err := exec.Command("echo", "hello", "from", "the", "host").Output()
	fmt.Printf("echo: %q %v\n", out, err)

	cmd := exec.Command("tr", "a-z", "A-Z")
	cmd.Stdin = strings.NewReader("piped through tr\n")
	out, err = cmd.Output()
	fmt.Printf("tr: %q %v\n", out, err)

	err = exec.Command("sh", "-c", "exit 3").Run()
	var ee *exec.ExitError
	fmt.Println("exit status:", errors.As(err, &ee) && ee.ExitCode() == 3)

	cmd = exec.Command("sh", "-c", "echo $GREETING; kill -TERM $$")
	cmd.Env = []string{"GREETING=hi there", "PATH=/usr/bin:/bin"}
	out, err = cmd.Output()
	fmt.Printf("env and signal: %q %v\n", out, err)

	seq := exec.Command("seq", "1", "2000")
	pipe, _ := seq.StdoutPipe()
	seq.Start()
	sc := bufio.NewScanner(pipe)
	n, last := 0, ""
	for sc.Scan() {
		n++
		last = sc.Text()
	}
	fmt.Println("streamed lines:", n, last, seq.Wait())

	_, err = exec.Command("/nonexistent/program").Output()
	fmt.Println("missing program fails:", err != nil)
}
