-- Neovim smoke test of spell-lsp (tooling.md §7.3), Neovim 0.7 API only:
--
--   nvim --headless -u NONE -c "luafile test/nvim/lsp_smoke.lua"
--
-- run from the repository root with spell-lsp on PATH. It opens
-- test/nvim/fixture.spl, waits for diagnostics, requests hover, completion
-- after `strings/`, formatting and go-to-definition, writes the results as
-- JSON to $SPELL_NVIM_OUT (default nvim_lsp_result.json) and ends with
-- :cquit 1 on a mismatch, :qall! on success. Neovim 0.7 offers no
-- positionEncodings, so this exercises the server's UTF-16 path (the
-- fixture has non-ASCII and emoji text).

local out = os.getenv("SPELL_NVIM_OUT") or "nvim_lsp_result.json"
local fixture = os.getenv("SPELL_NVIM_FIXTURE") or "test/nvim/fixture.spl"
local results = { failures = {} }

local function finish()
  vim.fn.writefile({ vim.fn.json_encode(results) }, out)
  if #results.failures > 0 then
    vim.cmd("cquit 1")
  else
    vim.cmd("qall!")
  end
end

local function check(ok, what)
  if not ok then
    table.insert(results.failures, what)
  end
end

local function run()
  vim.cmd("edit " .. fixture)
  local buf = vim.api.nvim_get_current_buf()
  local client_id = vim.lsp.start_client({
    name = "spell-lsp",
    cmd = { "spell-lsp" },
    root_dir = vim.fn.getcwd(),
  })
  check(client_id ~= nil, "start_client failed")
  if client_id == nil then
    return
  end
  vim.lsp.buf_attach_client(buf, client_id)
  local inited = vim.wait(15000, function()
    local c = vim.lsp.get_client_by_id(client_id)
    return c ~= nil and c.initialized == true
  end, 50)
  check(inited, "client did not initialize")

  -- Diagnostics: the fixture has an unused binding.
  vim.wait(15000, function()
    return #vim.diagnostic.get(buf) > 0
  end, 50)
  local diags = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    local code = d.code
    if code == nil and d.user_data and d.user_data.lsp then
      code = d.user_data.lsp.code
    end
    table.insert(diags, { lnum = d.lnum, col = d.col, code = code, message = d.message })
  end
  results.diagnostics = diags
  local found = false
  for _, d in ipairs(diags) do
    if d.code == "unused-binding" and d.lnum == 2 then
      found = true
    end
  end
  check(found, "no unused-binding diagnostic on line 3")

  local uri = vim.uri_from_bufnr(buf)
  local function request(method, params)
    local res = vim.lsp.buf_request_sync(buf, method, params, 10000)
    if res == nil or res[client_id] == nil then
      return nil, "no response to " .. method
    end
    if res[client_id].err then
      return nil, vim.inspect(res[client_id].err)
    end
    return res[client_id].result, nil
  end
  local function at(line, character)
    return { textDocument = { uri = uri }, position = { line = line, character = character } }
  end

  -- Hover on strings/join (line 3, UTF-16 column 21).
  local hover, err = request("textDocument/hover", at(2, 21))
  results.hover = hover
  check(err == nil and hover ~= nil and hover.contents ~= nil
    and string.find(hover.contents.value or "", "strings/join", 1, true) ~= nil,
    "hover: " .. tostring(err))

  -- Completion right after `strings/`.
  local comp
  comp, err = request("textDocument/completion", at(2, 27))
  local labels = {}
  local items = comp and (comp.items or comp) or {}
  for _, it in ipairs(items) do
    table.insert(labels, it.label)
  end
  results.completion = labels
  check(vim.tbl_contains(labels, "strings/join") and vim.tbl_contains(labels, "strings/split"),
    "completion after strings/: " .. tostring(err))

  -- Formatting: minimal edits removing the extra spaces after [x].
  local edits
  edits, err = request("textDocument/formatting", {
    textDocument = { uri = uri },
    options = { tabSize = 2, insertSpaces = true },
  })
  results.formatting = edits
  check(err == nil and edits ~= nil and #edits == 1 and edits[1].range.start.line == 1
    and edits[1].range.start.character == 18 and edits[1].newText == "",
    "formatting: " .. tostring(err))

  -- Go to definition of größe in the trailing expression (UTF-16 columns).
  local def
  def, err = request("textDocument/definition", at(3, 5))
  results.definition = def
  local loc = def and (def[1] or def) or nil
  check(err == nil and loc ~= nil and loc.range ~= nil and loc.range.start.line == 1
    and loc.range.start.character == 8 and loc.range["end"].character == 13,
    "definition: " .. tostring(err))

  vim.lsp.stop_client(client_id)
end

local ok, e = pcall(run)
if not ok then
  table.insert(results.failures, "error: " .. tostring(e))
end
finish()
