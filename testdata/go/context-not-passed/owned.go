package fixtures

import (
	"context"
	"net/http"
	"os/exec"
)

type pluginConfig struct {
	Cmd  *exec.Cmd
	Name string
}

type processManager struct{ proc *exec.Cmd }

// Clean: a command kept in a struct or a field belongs to its owner, which starts it and
// stops it; CommandContext would kill it when this call's context ends.
func (pm *processManager) configure(ctx context.Context, name string) (*pluginConfig, error) {
	cmd := exec.Command(name, "--serve")
	cmd.Env = append(cmd.Env, "PLUGIN=1")
	config := &pluginConfig{
		Cmd:  cmd,
		Name: name,
	}
	return config, nil
}

func (pm *processManager) start(ctx context.Context, name string) error {
	pm.proc = exec.Command(name)
	return pm.proc.Start()
}

// Still flagged: a command run here, and one only named in a struct's other field.
func (pm *processManager) run(ctx context.Context, name string) (*pluginConfig, error) {
	cmd := exec.Command(name) // want "context-not-passed"
	if err := cmd.Run(); err != nil {
		return nil, err
	}
	return &pluginConfig{Name: cmd.Path}, nil
}


// Clean: where the parent is nil there is no context to pass.
func resultOf(ctx context.Context, url string) (*http.Response, error) {
	if ctx == nil {
		return http.Get(url)
	}
	if ctx != nil {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return nil, err
		}
		return http.DefaultClient.Do(req)
	} else {
		return http.Get(url)
	}
}

// Still flagged: the parent is set in this branch.
func resultSet(ctx context.Context, url string) (*http.Response, error) {
	if ctx != nil {
		return http.Get(url) // want "context-not-passed"
	}
	return nil, nil
}

type tidyState struct{ cmd *exec.Cmd }

func newTidyState(cmd *exec.Cmd) (*tidyState, error) { return &tidyState{cmd: cmd}, nil }

// Clean: the command is handed straight to a state that runs it later (dagger's
// generatedClientState(fs, exec.Command("go", "mod", "tidy"))).
func clientState(ctx context.Context) (*tidyState, error) {
	_ = ctx
	return newTidyState(exec.Command("go", "mod", "tidy"))
}
