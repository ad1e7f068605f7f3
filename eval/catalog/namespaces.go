package catalog

func str(name, sigs, doc, detail string) Entry {
	return mk(NamespaceMember, "strings", "strings/"+name, sigs, doc, detail)
}

func mth(name, sigs, doc, detail string) Entry {
	return mk(NamespaceMember, "math", "math/"+name, sigs, doc, detail)
}

func cst(name, doc, detail string) Entry {
	return mk(Constant, "math", "math/"+name, "", doc, detail)
}

// stringsMembers are the 14 functions of language.md §10.1.
func stringsMembers(all []Entry) []Entry {
	return append(all,
		str("index-of", "[s sub]", "Returns the code-point index of the first occurrence of sub in s, or nil.",
			"Both arguments are str-coerced.\n(strings/index-of \"hello\" \"l\") ⇒ 2\n(strings/index-of \"hello\" \"z\") ⇒ nil").div("D11"),
		str("last-index-of", "[s sub]", "Returns the code-point index of the last occurrence of sub in s, or nil.",
			"(strings/last-index-of \"hello\" \"l\") ⇒ 3").div("D11"),
		str("starts-with?", "[s prefix]", "Returns true when s begins with prefix.", "(strings/starts-with? \"spell\" \"sp\") ⇒ true"),
		str("ends-with?", "[s suffix]", "Returns true when s ends with suffix.", "(strings/ends-with? \"spell\" \"ll\") ⇒ true"),
		str("includes?", "[s sub]", "Returns true when sub occurs in s.", "(strings/includes? \"spell\" \"pel\") ⇒ true"),
		str("blank?", "[s]", "Returns true when s is nil, empty or only white space.",
			"The argument is not str-coerced.\n(strings/blank? nil) ⇒ true\n(strings/blank? \" \\n\") ⇒ true\n(strings/blank? \" a \") ⇒ false"),
		str("trim", "[s]", "Removes white space from both ends of s.", "Unicode white space counts.\n(strings/trim \"  hi  \") ⇒ \"hi\""),
		str("replace", "[s match replacement]", "Replaces every literal occurrence of match in s by replacement.",
			"match is plain text, never a regular expression.\n(strings/replace \"a.b.c\" \".\" \"-\") ⇒ \"a-b-c\""),
		str("split", "[s pattern]", "Splits s at every match of the regular expression pattern and returns a vector.",
			"pattern is a regex string (RE2). Trailing empty strings are dropped, a zero-width match at the start gives no "+
				"leading empty string and no match gives [s].\n(strings/split \"a,,b,,\" \",\") ⇒ [\"a\" \"\" \"b\"]\n"+
				"(strings/split \"a b  c\" \" +\") ⇒ [\"a\" \"b\" \"c\"]\n(strings/split \"a.b\" \".\") ⇒ []").div("D10"),
		str("split-lines", "[s]", "Splits s at \\n and \\r\\n line breaks and returns a vector.", "(strings/split-lines \"a\\nb\\r\\nc\") ⇒ [\"a\" \"b\" \"c\"]"),
		str("join", "[coll] | [sep coll]", "Joins the str text of the elements of coll, optionally separated by sep.",
			"(strings/join [\"a\" 1 nil]) ⇒ \"a1\"\n(strings/join \", \" [1 2]) ⇒ \"1, 2\""),
		str("lower-case", "[s]", "Converts s to lower case with full Unicode case mapping.", "(strings/lower-case \"ÀB\") ⇒ \"àb\""),
		str("upper-case", "[s]", "Converts s to upper case with full Unicode case mapping.",
			"Mapping is not rune by rune: one character may become several.\n(strings/upper-case \"straße\") ⇒ \"STRASSE\"\n(strings/upper-case nil) ⇒ \"\""),
		str("capitalize", "[s]", "Upper-cases the first character of s and lower-cases the rest.", "(strings/capitalize \"hELLO\") ⇒ \"Hello\""),
	)
}

// mathMembers are the functions and constants of language.md §10.2.
func mathMembers(all []Entry) []Entry {
	return append(all,
		mth("sqrt", "[x]", "Returns the square root of x as a double.", "(math/sqrt 16) ⇒ 4.0\n(= (math/sqrt 4) 2) ⇒ false"),
		mth("cbrt", "[x]", "Returns the cube root of x as a double.", "(math/cbrt 27) ⇒ 3.0"),
		mth("pow", "[x y]", "Returns x raised to the power y as a double.", "(math/pow 2 10) ⇒ 1024.0"),
		mth("exp", "[x]", "Returns e raised to the power x.", "(math/exp 0) ⇒ 1.0"),
		mth("expm1", "[x]", "Returns e^x - 1, accurate for x near zero.", "(math/expm1 0) ⇒ 0.0"),
		mth("log", "[x]", "Returns the natural logarithm of x.", "(math/log 1) ⇒ 0.0"),
		mth("log10", "[x]", "Returns the base-10 logarithm of x.", "(math/log10 1000) ⇒ 3.0"),
		mth("log2", "[x]", "Returns the base-2 logarithm of x.", "(math/log2 8) ⇒ 3.0"),
		mth("log1p", "[x]", "Returns ln(1 + x), accurate for x near zero.", "(math/log1p 0) ⇒ 0.0"),
		mth("sin", "[x]", "Returns the sine of x radians.", "(math/sin 0) ⇒ 0.0"),
		mth("cos", "[x]", "Returns the cosine of x radians.", "(math/cos 0) ⇒ 1.0"),
		mth("tan", "[x]", "Returns the tangent of x radians.", "(math/tan 0) ⇒ 0.0"),
		mth("asin", "[x]", "Returns the arc sine of x in radians.", "(math/asin 0) ⇒ 0.0"),
		mth("acos", "[x]", "Returns the arc cosine of x in radians.", "(math/acos 1) ⇒ 0.0"),
		mth("atan", "[x]", "Returns the arc tangent of x in radians.", "(math/atan 0) ⇒ 0.0"),
		mth("atan2", "[y x]", "Returns the angle in radians of the point (x, y); note the argument order y, x.", "(math/atan2 0 1) ⇒ 0.0"),
		mth("sinh", "[x]", "Returns the hyperbolic sine of x.", "(math/sinh 0) ⇒ 0.0"),
		mth("cosh", "[x]", "Returns the hyperbolic cosine of x.", "(math/cosh 0) ⇒ 1.0"),
		mth("tanh", "[x]", "Returns the hyperbolic tangent of x.", "(math/tanh 0) ⇒ 0.0"),
		mth("degrees", "[r]", "Converts an angle from radians to degrees.", "(math/degrees math/PI) ⇒ 180.0"),
		mth("radians", "[d]", "Converts an angle from degrees to radians.", "(math/radians 180) ⇒ 3.141592653589793"),
		mth("hypot", "[x y]", "Returns sqrt(x² + y²) without intermediate overflow.", "(math/hypot 3 4) ⇒ 5.0"),
		mth("abs", "[x]", "Returns the absolute value of x as a double.", "Unlike core abs, the result is always a double.\n(math/abs -5) ⇒ 5.0"),
		mth("sign", "[x]", "Returns -1.0, 0.0 or 1.0 according to the sign of x.", "(math/sign -7) ⇒ -1.0"),
		mth("floor", "[x]", "Returns the largest integer not above x, as a long.", "(math/floor -3.2) ⇒ -4"),
		mth("ceil", "[x]", "Returns the smallest integer not below x, as a long.", "(math/ceil 3.2) ⇒ 4"),
		mth("round", "[x]", "Rounds x to the nearest long, halves rounding up.", "(math/round 2.5) ⇒ 3\n(math/round -2.5) ⇒ -2"),
		mth("trunc", "[x]", "Truncates x toward zero, as a long.", "(math/trunc -3.7) ⇒ -3"),
		mth("factorial", "[n]", "Returns n! as a bigint.", "(math/factorial 5) ⇒ 120N\n(math/factorial 0) ⇒ 1N\n(math/factorial -1) ⇒ error: factorial: negative argument"),
		mth("gcd", "[a b]", "Returns the greatest common divisor of the absolute values, as a long.", "(math/gcd 12 18) ⇒ 6"),
		mth("lcm", "[a b]", "Returns the least common multiple of the absolute values, as a long.", "(math/lcm 4 6) ⇒ 12\n(math/lcm 0 5) ⇒ 0"),
		mth("rand", "[]", "Returns a random double in [0, 1) from the run's seeded generator.", "(< (math/rand) 1) ⇒ true"),
		mth("NaN?", "[x]", "Returns true when x is NaN.", "(math/NaN? math/NaN) ⇒ true"),
		mth("infinite?", "[x]", "Returns true when x is positive or negative infinity.", "(math/infinite? math/NEG-INF) ⇒ true"),
		cst("PI", "The ratio of a circle's circumference to its diameter, as a double.", "math/PI ⇒ 3.141592653589793"),
		cst("E", "Euler's number, the base of natural logarithms, as a double.", "math/E ⇒ 2.718281828459045"),
		cst("INF", "Positive infinity.", "math/INF ⇒ ##Inf"),
		cst("NEG-INF", "Negative infinity.", "math/NEG-INF ⇒ ##-Inf"),
		cst("NaN", "The not-a-number double; it is equal to nothing, itself included.", "math/NaN ⇒ ##NaN\n(= math/NaN math/NaN) ⇒ false"),
	)
}

func eb(category, name, sigs, doc, detail string) Entry {
	return mk(EffectBuiltin, category, name, sigs, doc, detail)
}

// effectBuiltins are the unqualified effect functions of language.md §6.1.
func effectBuiltins(all []Entry) []Entry {
	return append(all,
		eb("effect", "!llm-self", "[prompt] | [prompt opts]", "Calls the model to continue a program from a prefix and returns the value of the resulting program.",
			"A canonical quine form gives its open prefix, a string starting with ( is used verbatim and any other "+
				"string starts a fresh task (quine completion (eval (do (quine prompt \"T\") …. The program is evaluated in a "+
				"fresh environment. opts may only be {:receive? bool} (default false: messages stay queued). A call in tail "+
				"position of the trailing expression runs as a trampoline.\n"+
				"'(!llm-self (reopen completion))\n'(str \"Summary: \" (!llm-self \"Summarise X\"))\n"+
				"(!llm-self \"x\" {:bad 1}) ⇒ error: !llm-self options must be a map with only an optional boolean :receive?").prio("P0"),
		eb("effect", "leaf-llm", "[prompt]", "Sends a plain-text prompt to the same model and returns its reply as a string.",
			"No Spell parsing or evaluation and no tools; it counts as a model call of the agent.\n"+
				"'(!call-now summary (leaf-llm (str \"Summarise: \" text)))").prio("P0"),
		eb("effect", "receive", "[c]", "Accepts one pending message batch into the canonical quine c and returns the transformed program.",
			"Nothing is evaluated or generated; request slots are claimed and the checkpoint is updated. A non-canonical c is an error.").prio("P1"),
		eb("concurrency", "!ask-await", "[fut]", "Waits from a normal turn for a future, receiving its value as a message.",
			"Registers an external wait; it is refused like a sleep while the agent holds newer incoming requests. The finished "+
				"value arrives as {:from :future :body v}, and the call's value is the resumed computation.\n"+
				"'(!ask-await (globals/get :job))").prio("P1"),
	)
}

func em(ns, name, subset, prio, sigs, doc, detail string) Entry {
	cat := "effect"
	if ns == "blocking" {
		cat = "concurrency"
	}
	e := mk(EffectMember, cat, ns+"/"+name, sigs, doc, detail)
	e.Subset = subset
	e.Priority = prio
	return e
}

const envelope = "Returns an envelope {:ok :out :err :truncated}. "

// effectMembers are the members of the effect namespaces of effects.md.
func effectMembers(all []Entry) []Entry {
	return append(all,
		// io-read
		em("io", "slurp", "read", "P0", "[path]", "Reads a whole text file.",
			envelope+"Invalid UTF-8 bytes become U+FFFD; paths are confined to the workspace root.\n'(!call-now text (io/slurp \"README.md\"))"),
		em("io", "slurp-bytes", "read", "P2", "[path]", "Reads a whole file as base64.", envelope+":out is {:base64 \"…\"}."),
		em("io", "read-file", "read", "P0", "[path] | [path opts] | [path start end] | [path start end opts]",
			"Reads a file, or the half-open 1-based line range [start, end), as numbered text.",
			envelope+"Each line is prefixed by its right-aligned number and \": \". Ranges are clamped; opts :char-start/:char-end "+
				"select a code-point window of each line.\n'(!peek src (io/read-file \"main.go\" 1 40))"),
		em("io", "read-lines", "read", "P0", "[path] | [path opts] | [path start end] | [path start end opts]",
			"Reads lines of a file as a numbered line vector.",
			envelope+":out carries the first line number, so it is injected as (first-line start [ … ]).\n'(!call-now ls (io/read-lines \"notes.txt\" 10 20))"),
		em("io", "grep", "read", "P0", "[pattern path] | [pattern path opts]", "Searches files under path for an RE2 pattern, grep -rnH style.",
			envelope+"Options :ignore-case :include :context :max-count. :exit is 0 with matches, 1 without (still ok), 2 on error. Runs natively, no shell.").div("D10"),
		em("io", "glob", "read", "P0", "[pattern] | [pattern path] | [pattern path opts]", "Finds paths whose base name matches a find -name style pattern.",
			envelope+"Options :type \"f\"|\"d\" and :max-depth; :out is newline-separated sorted relative paths."),
		em("io", "git", "read", "P1", "[subcmd & args]", "Runs a read-only git subcommand in the workspace.",
			"Only blame diff log rev-parse show status are allowed; flags that write files or leave the workspace are refused. Returns a process envelope.\n'(!call-now st (io/git \"status\" \"--short\"))"),
		em("io", "exists?", "read", "P0", "[path]", "Returns true when the path exists inside the workspace.", "Returns a raw boolean, not an envelope."),
		em("io", "directory?", "read", "P0", "[path]", "Returns true when the path is a directory.", "Returns a raw boolean."),
		em("io", "ls", "read", "P0", "[path]", "Lists the entry names of a directory, sorted.", envelope+"\n'(!call-now files (io/ls \".\"))"),
		em("io", "cwd", "read", "P0", "[]", "Returns the absolute workspace root as a string.", "Returns a raw string."),
		em("io", "stat", "read", "P0", "[path]", "Returns size, modification time and permission flags of a path.",
			envelope+":out is {:size :modified :readable :writable :executable :directory}."),
		em("io", "env", "read", "P0", "[] | [name]", "Returns the non-secret environment variables, or one variable's value.",
			"Returns a raw map or string; secret names (keys, tokens, passwords …) always give nil."),
		// io-write
		em("io", "write-file", "write", "P0", "[path content]", "Writes content to a file, creating parent directories.", envelope+":out is the path."),
		em("io", "spit", "write", "P0", "[path content] | [path content opts]", "Writes content to a file, optionally appending with {:append true}.", envelope+":out is the path."),
		em("io", "str-replace", "write", "P0", "[path old new] | [path old new opts]", "Replaces a unique literal string in a file.",
			envelope+"old must be non-empty and present; several occurrences need {:all true}. $ and \\ in new are literal."),
		em("io", "replace-lines", "write", "P0", "[path edits] | [path start end content]", "Replaces the half-open line range [start, end) of a file.",
			envelope+"start = end inserts; empty content deletes. Several [s e c] edits refer to the original numbering and must not overlap."),
		em("io", "mkdir", "write", "P0", "[path]", "Creates one directory; it must not exist yet.", envelope),
		em("io", "mkdirs", "write", "P0", "[path]", "Creates a directory and its parents; existing ones are fine.", envelope),
		em("io", "delete", "write", "P0", "[path]", "Deletes a file or an empty directory.", envelope),
		em("io", "copy", "write", "P0", "[src dest]", "Copies a file, replacing an existing destination.", envelope+":out is the destination."),
		em("io", "move", "write", "P0", "[src dest]", "Moves a file, replacing an existing destination.", envelope+":out is the destination."),
		em("io", "temp-file", "write", "P0", "[] | [prefix suffix]", "Creates a file in the run's private temp directory.", envelope+":out is its path."),
		// io-exec
		em("io", "sh", "exec", "P0", "[command & parts]", "Runs the concatenated command string with bash -c in the workspace root.",
			"A final map is options ({:timeout seconds}, default 30). Returns {:ok :out :err :exit :truncated} with output exactly as produced; "+
				"the process group is killed on timeout.\n'(!call-now r (io/sh \"go test ./...\"))"),
		em("io", "sh-test", "exec", "P2", "[cmd]", "Returns a zero-argument function that runs cmd and reports {:pass :output}.", "Call the returned function inside eval."),
		em("io", "exec", "exec", "P0", "[argv] | [argv opts]", "Runs a program from an argv vector, without a shell.", "Same options and result as io/sh; every argv entry must be a string."),
		em("io", "watch-send", "exec", "P2", "[dir handle] | [dir handle timeout-ms]", "Watches a directory and sends one change message to an agent.",
			"Returns nil at once; the message has :from :watch-send and a body of {:kind :name} changes."),
		// web
		em("web", "search", "", "P1", "[query] | [query opts]", "Searches the web and returns result titles, URLs and snippets.",
			envelope+":out is a vector of {:title :url :snippet}; :max-results is clamped to 1–10."),
		em("web", "fetch", "", "P1", "[url] | [url opts]", "Fetches a URL and returns its text, HTML converted to markdown.",
			"Returns an envelope {:ok :out :err :status :truncated}; :status is the HTTP status (nil when there was no answer) and only 2xx is :ok. "+
				"HTML becomes # Title, paragraphs and Source: URL; other text is returned as it is; binary content is a failure. "+
				"Text longer than :max-chars (default 40000, at least 500) is cut with a marker. Private addresses are refused."),
		em("web", "config", "", "P1", "[]", "Returns the effective web configuration with keys redacted.", envelope),
		// agents
		em("agents", "spawn", "", "P0", "[prompt] | [prompt handle] | [agent prompt] | [agent prompt handle]", "Starts a concurrent child agent and returns its handle at once.",
			"No edge is created; use ask or spawn-ask to get a result back. A natural-language prompt starts from (quine prompt …) plus !extend."),
		em("agents", "ask", "", "P0", "[target] | [target value]", "Sends a request to one or more agents and returns the edge id without waiting.",
			"target is a handle or a vector of handles; each reply fills one slot of the edge."),
		em("agents", "spawn-ask", "", "P0", "[specs] | [prompt] | [prompt handle] | [agent prompt] | [agent prompt handle]",
			"Starts children whose return values fill one new edge, and returns its id.",
			"A spec is a prompt, [prompt handle], [agent prompt] or [agent prompt handle]; all are registered in one step."),
		em("agents", "!ask", "", "P0", "[target] | [target value]", "Sends a request like ask, then waits for messages.", "Its value is the resumed computation; use it as the last expression of a turn."),
		em("agents", "!spawn-ask", "", "P0", "[specs] | [prompt] | [prompt handle] | [agent prompt] | [agent prompt handle]",
			"Starts children like spawn-ask, then waits for their results.",
			"The results arrive as one message {:from [t1 …] :edge-id id :body [{:from t1 :body r1} …]}."),
		em("agents", "!reply-ask", "", "P1", "[msg value]", "Answers a request and at once asks the sender back, then waits.",
			"Fills the caller's slot of msg's edge and opens a reverse request carrying value, in one step."),
		em("agents", "!wait", "", "P0", "[]", "Sleeps until a message arrives, or continues at once when one is queued.",
			"Returns nil when nothing is pending. Refused (catchably) while the agent holds an incoming request newer than its "+
				"newest outgoing one. Its value is the resumed computation, so it belongs at the end of a turn."),
		em("agents", "!sleep", "", "P0", "[]", "Alias of !wait.", "See agents/!wait."),
		em("agents", "send", "", "P0", "[target value]", "Sends a plain message to an agent, waking it.", "It never fills a request slot."),
		em("agents", "reply", "", "P0", "[msg value]", "Answers a request message, filling the caller's slot exactly once.",
			"Returns nil; duplicate or stale replies are silent no-ops. For a message without :expects-response it sends to its sender."),
		em("agents", "cancel", "", "P0", "[edge-id]", "Cancels a pending outgoing edge of the caller.", "The targets are not stopped; the edge is returned with :status :cancelled."),
		em("agents", "status", "", "P0", "[] | [handle]", "Returns the caller's status and edges, or another agent's status.",
			"Without argument: {:handle :status :generation :out-edges :in-edges}."),
		em("agents", "graph", "", "P1", "[]", "Returns every agent and edge of the run.", "{:nodes {h {:status :generation}} :edges {id {…}}}."),
		em("agents", "out-edges", "", "P0", "[]", "Returns the pending edges the caller owns.", "Edge summaries {:id :source :targets :created-seq}."),
		em("agents", "in-edges", "", "P0", "[]", "Returns the live edges holding a slot for the caller.", "Filled slots of multi-target edges are included."),
		em("agents", "current-handle", "", "P0", "[]", "Returns the caller's handle.", "(agents/current-handle) ⇒ :main in the root agent"),
		em("agents", "parent-handle", "", "P0", "[]", "Returns the caller's parent handle, or nil for :main.", "A child reports back to its parent with send or reply; the parent of every spawned agent is the agent that spawned it."),
		em("agents", "register", "", "P1", "[handle init-program]", "Creates a dormant agent that starts on its first message.", "No model call happens until a message arrives."),
		// globals
		em("globals", "get", "", "P0", "[k]", "Returns the shared value stored under k, or nil.", "Globals are shared by all agents of one run."),
		em("globals", "set", "", "P0", "[k v]", "Stores v under k and returns v.", "'(globals/set :job (future (slow)))"),
		em("globals", "update", "", "P0", "[k f & args]", "Atomically replaces the value under k by (apply f old args) and returns the new value.",
			"f may run more than once and must be pure.\n'(globals/update :count (fnil inc 0))"),
		em("globals", "pop", "", "P0", "[k]", "Atomically removes and returns the first element of the sequence under k.", "nil when empty or missing; each item is claimed once."),
		em("globals", "keys", "", "P0", "[]", "Returns a vector of the stored keys.", "The store starts empty for every run; :roles and :tasks are conventional keys only."),
		em("globals", "all", "", "P0", "[]", "Returns the whole globals map.", "The map is an immutable snapshot; later changes by other agents do not alter it."),
		em("globals", "wait-until", "", "P0", "[pred] | [pred opts]", "Blocks until (pred globals-map) is truthy; returns true, or false on timeout.",
			"Options {:timeout-ms n}. It is not a coordinator wait and has no deadlock guarantee."),
		// blocking
		em("blocking", "await", "", "P1", "[tok]", "Returns the value of a future, re-raising its error.", "Only inside futures; on an agent's own turn use !ask-await."),
		em("blocking", "await-all", "", "P1", "[toks]", "Returns a vector of the values of several futures.", "The values come in the order of the tokens; the first failing future's error is re-raised. Only inside futures."),
		em("blocking", "pmap", "", "P1", "[f coll]", "Maps f over coll in parallel, preserving order.", "At most GOMAXPROCS goroutines run at once."),
		em("blocking", "request", "", "P1", "[handle] | [handle msg]", "Creates a tracked request to an agent and returns a token to await.",
			"Awaiting yields the reply or fails with Request cancelled / Coordinator closed."),
		em("blocking", "send-await", "", "P1", "[handle msg]", "Sends a request to an agent and waits for its reply.", "Equivalent to awaiting (blocking/request handle msg). Only inside futures."),
		// mcp
		em("mcp", "servers", "", "P2", "[]", "Lists the MCP servers granted to the agent.", "Each operation checks the permission granted in the agent profile; secrets are redacted from every result."),
		em("mcp", "resources", "", "P2", "[s]", "Lists the resources of a server.", "Each operation checks the permission granted in the agent profile; secrets are redacted from every result."),
		em("mcp", "resource-templates", "", "P2", "[s]", "Lists the resource templates of a server.", "Each operation checks the permission granted in the agent profile; secrets are redacted from every result."),
		em("mcp", "read-resource", "", "P2", "[s uri]", "Reads one resource of a server.", "Each operation checks the permission granted in the agent profile; secrets are redacted from every result."),
		em("mcp", "prompts", "", "P2", "[s]", "Lists the prompts of a server.", "Each operation checks the permission granted in the agent profile; secrets are redacted from every result."),
		em("mcp", "get-prompt", "", "P2", "[s name] | [s name args]", "Fetches one prompt of a server.", "Each operation checks the permission granted in the agent profile; secrets are redacted from every result."),
		em("mcp", "complete", "", "P2", "[s ref arg]", "Requests argument completions from a server.", "Each operation checks the permission granted in the agent profile; secrets are redacted from every result."),
		em("mcp", "info", "", "P2", "[s]", "Describes a server, including tools excluded as invalid.", "Each operation checks the permission granted in the agent profile; secrets are redacted from every result."),
		em("mcp", "refresh", "", "P2", "[s]", "Refreshes a server's protocol catalogues.", "Each operation checks the permission granted in the agent profile; secrets are redacted from every result."),
		em("mcp", "listen-send", "", "P2", "[s filter handle]", "Subscribes to server notifications and forwards them to an agent.", "Needs :subscriptions true in the grant. filter is a resource URI or {:resources [uri …] :list-changed [:tools :prompts :resources]}; each notification reaches the handle as a message from :mcp-listen with body {:server s :notification {\"method\" … \"params\" …}}, a failed connection as {:server s :error msg}."),
	)
}

// plannedMembers are the members of the planned namespaces (see
// PlannedNamespaces): specified, not built. They are not in All.
func plannedMembers() []Entry {
	return []Entry{
		// feedback
		em("feedback", "log", "", "P2", "[category message] | [category message metadata]", "Appends a feedback record (:bug :friction :idea :docs) to the feedback file.", "Exposed only when the profile lists feedback or with --dogfood. Each record is one EDN map with timestamp, category, message, metadata, agent handle and turn."),
		// patterns
		em("patterns", "install", "", "P2", "[k] | [k definition]", "Installs a module once per run; the first installer becomes its owner.", "Part of the installable-modules facility (effects.md §8); modules never grant capabilities."),
		em("patterns", "catalog", "", "P2", "[] | [k]", "Returns module metadata without function bodies.", "Part of the installable-modules facility (effects.md §8); modules never grant capabilities."),
		em("patterns", "source", "", "P2", "[k] | [k fn]", "Returns the stored definition of a module or one of its functions.", "Part of the installable-modules facility (effects.md §8); modules never grant capabilities."),
		em("patterns", "update", "", "P2", "[k transform & args] | [k opts transform & args]", "Replaces a module definition by the result of a pure transform.", "Part of the installable-modules facility (effects.md §8); modules never grant capabilities."),
		em("patterns", "call", "", "P2", "[k fn & args]", "Calls a module function in the caller's dynamic scope.", "Each :requires namespace must resolve in the caller's environment."),
	}
}
