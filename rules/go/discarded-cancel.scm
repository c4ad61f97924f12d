; Assignments whose right-hand side is a single call: the candidates for a discarded cancel.
; The rule resolves the call and checks which left-hand element receives the cancel function.

(short_var_declaration
  left: (expression_list) @left
  right: (expression_list . (call_expression) @call .)) @statement

(assignment_statement
  left: (expression_list) @left
  operator: "="
  right: (expression_list . (call_expression) @call .)) @statement

(var_spec
  value: (expression_list . (call_expression) @call .)) @statement
