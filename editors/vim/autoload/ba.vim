" ba.vim: the search behind :Ba (see plugin/ba.vim and :help ba).

" The shell ba runs in: a POSIX sh whatever 'shell' the user has (fish, csh, ...), so that the
" redirections and the quoting below mean what they say.
let s:shell_options = {
      \ 'shell': 'sh', 'shellcmdflag': '-c', 'shellquote': '', 'shellxquote': '',
      \ 'shellredir': '>%s 2>&1'}

" Completes file names for :Ba without expanding the arguments typed.
function! ba#complete(arglead, cmdline, cursorpos) abort
  return getcompletion(a:arglead, 'file')
endfunction

" Runs ba with the words of ARGS (the pattern first, unless flags come before it) and puts its hits
" in the quickfix list, or with LOCATION in the current window's location list.
function! ba#search(args, location) abort
  let words = ba#split(a:args)
  if empty(words)
    let word = expand('<cword>')
    if empty(word)
      echoerr 'ba: no pattern, and no word under the cursor'
      return
    endif
    " The word under the cursor, as a whole word and a literal string.
    let words = ['--fixed-strings', '--word-regexp', '--', word]
  endif
  let title = ':Ba' . (a:location ? '! ' : ' ') . a:args
  let [hits, errors, code] = s:run(words)
  let what = {'title': title, 'lines': hits, 'efm': '%f:%l:%c:%m'}
  if a:location
    call setloclist(0, [], ' ', what)
  else
    call setqflist([], ' ', what)
  endif
  " Exit code 1 is no match, not an error; 2 is an error (and no match).
  if code == 2 || (code != 0 && code != 1)
    " ba's own message (`ba: invalid pattern: ...`), on as many lines as it takes.
    echoerr empty(errors) ? 'ba: exited with ' . code : join(errors, "\n")
    return
  endif
  if !empty(errors)
    " Some paths could not be read, but the search went on: say so, quietly.
    echohl WarningMsg
    for line in errors
      echomsg line
    endfor
    echohl None
  endif
  if code == 1
    echo 'ba: no match'
  endif
  if get(g:, 'ba_open_list', 1)
    execute (a:location ? 'lwindow' : 'cwindow')
  endif
endfunction

" Runs ba with WORDS and returns [its hits (lines), its stderr (lines), its exit code].
function! s:run(words) abort
  let out = tempname()
  let err = tempname()
  let saved = {}
  for [name, value] in items(s:shell_options)
    let saved[name] = eval('&' . name)
    execute 'let &' . name . ' = value'
  endfor
  try
    let args = get(g:, 'ba_args', [])
    let args = type(args) == type([]) ? args : [args]
    let command = get(g:, 'ba_command', 'ba') . ' --vimgrep'
          \ . join(map(args + a:words, {_, word -> ' ' . shellescape(word)}), '')
    " The redirections inside the parentheses are ba's own, whatever Vim adds after them: stdin from
    " /dev/null (a pipe would be searched instead of the current directory), stdout and stderr apart.
    call system('(' . command . ' >' . shellescape(out) . ' 2>' . shellescape(err)
          \ . ' </dev/null)')
    let code = v:shell_error
  finally
    for [name, value] in items(saved)
      execute 'let &' . name . ' = value'
    endfor
  endtry
  " readfile() drops the \r of a CRLF line end.
  let hits = filereadable(out) ? readfile(out) : []
  let errors = filereadable(err) ? readfile(err) : []
  call delete(out)
  call delete(err)
  return [hits, errors, code]
endfunction

" Splits the text of :Ba into words, as a shell would for the common cases, but leaving regex
" backslashes alone: blanks separate words; 'single quotes' keep everything; "double quotes" keep
" everything but \" (a quote); outside quotes a backslash escapes a blank or a quote, and is kept
" before any other character (so \s, \b and \\ reach ba as typed).
function! ba#split(text) abort
  let words = []
  let word = ''
  let in_word = 0
  let quote = ''
  let i = 0
  let n = strlen(a:text)
  while i < n
    let c = a:text[i]
    if quote ==# "'"
      if c ==# "'"
        let quote = ''
      else
        let word .= c
      endif
    elseif quote ==# '"'
      if c ==# '\' && a:text[i + 1] ==# '"'
        let word .= '"'
        let i += 1
      elseif c ==# '"'
        let quote = ''
      else
        let word .= c
      endif
    elseif c =~# '\s'
      if in_word
        call add(words, word)
        let word = ''
        let in_word = 0
      endif
    elseif c ==# "'" || c ==# '"'
      let quote = c
      let in_word = 1
    elseif c ==# '\' && a:text[i + 1] ==# '\'
      " A regex's escaped backslash stays whole (and escapes nothing after it).
      let word .= '\\'
      let i += 1
      let in_word = 1
    elseif c ==# '\' && a:text[i + 1] =~# '[[:blank:]''"]'
      let word .= a:text[i + 1]
      let i += 1
      let in_word = 1
    else
      let word .= c
      let in_word = 1
    endif
    let i += 1
  endwhile
  if in_word
    call add(words, word)
  endif
  return words
endfunction
