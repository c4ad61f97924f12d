; Calls of Background() or TODO(), qualified (context.Background()) or not (a dot import).
; The rule checks that the qualifier really is the context package.

(call_expression
  function: [
    (selector_expression field: (field_identifier) @name)
    (identifier) @name
  ]
  (#any-of? @name "Background" "TODO")) @call
