; Calls of Background() or TODO(), qualified (context.Background()) or not (a dot import).
; Used by the Go layer (GoFile::new_root_calls), which checks that the qualifier really is the
; context package and that there are no arguments; background-in-handler and
; test-background-context both start from its matches.

(call_expression
  function: [
    (selector_expression field: (field_identifier) @name)
    (identifier) @name
  ]
  (#any-of? @name "Background" "TODO")) @call
