" ba.vim: search with ba (Black Arrow) into the quickfix or the location list.
" See :help ba.  The work is done in autoload/ba.vim, loaded on the first :Ba.

if exists('g:loaded_ba') || &compatible
  finish
endif
let g:loaded_ba = 1

" :Ba [ARGS]  fills the quickfix list; :Ba! [ARGS] the current window's location list. File names
" complete, but `%` and `#` stay as typed (-complete=file would expand them in the pattern).
command! -bang -nargs=* -complete=customlist,ba#complete Ba call ba#search(<q-args>, <bang>0)
