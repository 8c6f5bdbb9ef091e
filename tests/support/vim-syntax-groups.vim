" Prints the syntax group of every byte of some files, as Vim's own
" highlighting sees it. Run headless by tests/editors.rs:
"
"   GLHA_VIM_RTP=editors/vim GLHA_VIM_FILES=LIST GLHA_VIM_OUT=OUT \
"     vim -Nu NONE -i NONE -es -S tests/support/vim-syntax-groups.vim
"
" LIST holds one path a line. OUT gets, per file, a line
" `F<TAB>FILETYPE<TAB>PATH` and then one line per buffer line: for each
" byte, `ITEM:GROUP` (the syntax item and the highlight group it links to
" in the end), separated by spaces. A last line `E<TAB>MESSAGE` reports an
" error Vim met on the way.

" Only the runtime files under test and Vim's own, no user configuration.
let &runtimepath = $GLHA_VIM_RTP . ',' . $VIMRUNTIME
let v:errmsg = ''
filetype plugin on
syntax on

let s:out = []
for s:path in readfile($GLHA_VIM_FILES)
  execute 'edit ' . fnameescape(s:path)
  call add(s:out, "F\t" . &filetype . "\t" . s:path)
  for s:lnum in range(1, line('$'))
    let s:groups = []
    for s:col in range(1, col([s:lnum, '$']) - 1)
      let s:id = synID(s:lnum, s:col, 1)
      call add(s:groups, synIDattr(s:id, 'name') . ':' . synIDattr(synIDtrans(s:id), 'name'))
    endfor
    call add(s:out, join(s:groups, ' '))
  endfor
endfor
if v:errmsg != ''
  call add(s:out, "E\t" . v:errmsg)
endif
call writefile(s:out, $GLHA_VIM_OUT)
qall!
