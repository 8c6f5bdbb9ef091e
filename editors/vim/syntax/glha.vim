" Vim syntax file
" Language:   glha, the spec language of a highly available OpenStack Image API
" Filenames:  *.glha
"
" Mirrors grammar/glha.pest. Like the TextMate grammar beside it, it reads
" the layout `glhac fmt` writes: a block's `{` on the line of its keyword, a
" string on one line. Whatever the parser would refuse at the level of
" tokens (a bad escape, an unterminated string, a key without `=`, a stray
" brace) is an Error group.

if exists('b:current_syntax')
  finish
endif
let s:cpo_save = &cpo
set cpo&vim

syn case match
" Blocks and lists span lines and specs are small: parse from the start.
syn sync fromstart

" Where two items match at one position the one defined last wins, so the
" catch-all errors come first.

" Item level: a key, a block, a directive or a comment, nothing else.
syn match glhaItemError /[^[:space:]#{}[\]]\+/
syn match glhaBracketError /[{}[\]]/

syn match glhaComment /#.*$/ contains=@Spell

" key = value
syn match glhaKey /\%([[:alnum:]_-]\)\@1<!\h[[:alnum:]_-]*\ze\s*=/ nextgroup=glhaAssign,glhaMissingValue skipwhite
syn match glhaAssign /=/ contained nextgroup=@glhaValue,glhaValueError skipwhite skipnl skipempty
syn match glhaMissingValue /=\ze\s*[}\]]/ contained

" release "2025.2", import "std/glance-api": a key and one string
syn match glhaDirective /\%([[:alnum:]_-]\)\@1<!\h[[:alnum:]_-]*\ze\s*"/ nextgroup=glhaString,glhaStringError skipwhite
syn match glhaRelease /\%([[:alnum:]_-]\)\@1<!release\ze\s*"/ nextgroup=glhaString,glhaStringError skipwhite
syn match glhaImport /\%([[:alnum:]_-]\)\@1<!import\ze\s*"/ nextgroup=glhaString,glhaStringError skipwhite

" kind label... { items }
syn match glhaBlockKind /\%([[:alnum:]_-]\)\@1<!\h[[:alnum:]_-]*\ze\%(\s\+\h[[:alnum:]_-]*\)*\s*{/ nextgroup=glhaBlockLabel,glhaBlock skipwhite
syn match glhaBlockLabel /\h[[:alnum:]_-]*/ contained nextgroup=glhaBlockLabel,glhaBlock skipwhite
syn region glhaBlock matchgroup=glhaBrace start=/{/ end=/}/ contained contains=TOP fold

" Values. A token ends where whitespace, a comment, `,`, `]` or `}` begins.
syn cluster glhaValue contains=glhaList,glhaSecret,glhaAgent,glhaWaived,glhaExternal,glhaAddress,glhaDuration,glhaNumber,glhaString,glhaStringError,glhaBoolean,glhaReference,glhaWord

syn match glhaValueError /[^[:space:]#,}\]]\+/ contained
syn match glhaListError /[^[:space:]#,\]]\+/ contained

" active_passive, roundrobin
syn match glhaWord /\%([[:alnum:]_.:-]\)\@1<!\h[[:alnum:]_-]*\%([[:space:],#}\]]\|$\)\@=/ contained
syn match glhaBoolean /\%([[:alnum:]_.:-]\)\@1<!\%(true\|false\)\%([[:space:],#}\]]\|$\)\@=/ contained
" vip.internal, node.controller1
syn match glhaReference /\%([[:alnum:]_.:-]\)\@1<!\h[[:alnum:]_-]*\%(\.\h[[:alnum:]_-]*\)\+\%([[:space:],#}\]]\|$\)\@=/ contained
syn match glhaNumber /\%([[:alnum:]_.:-]\)\@1<!\d\+\%([[:space:],#}\]]\|$\)\@=/ contained
" 30s, 100ms, 2m, 1h
syn match glhaDuration /\%([[:alnum:]_.:-]\)\@1<!\d\+\%(ms\|s\|m\|h\)\%([[:space:],#}\]]\|$\)\@=/ contained contains=glhaUnit
syn match glhaUnit /\a\+/ contained
" 10.0.0.11/24, 2001:db8::11/64; an octet over 255 is for the checker.
syn match glhaAddress +\%([[:alnum:]_.:-]\)\@1<!\x*:[[:xdigit:]:.]*\%(/\d\+\)\=\%([[:space:],#}\]]\|$\)\@=+ contained contains=glhaPrefix
syn match glhaAddress +\%([[:alnum:]_.:-]\)\@1<!\d\+\%(\.\d\+\)\{3}\%(/\d\+\)\=\%([[:space:],#}\]]\|$\)\@=+ contained contains=glhaPrefix
syn match glhaPrefix +/\d\++ contained

" A string ends on the line it starts; \" \\ \n \t \r \$ are its escapes.
syn match glhaStringError /"\%([^"\\]\|\\.\)*\\\=$/ contained
syn region glhaString start=/"/ skip=/\\./ end=/"/ oneline contained contains=glhaEscape,glhaEscapeError
syn match glhaEscapeError /\\./ contained
syn match glhaEscape /\\[\\"ntr$]/ contained

" waived "reason"
syn match glhaWaived /\%([[:alnum:]_.:-]\)\@1<!waived\ze\s*"/ contained nextgroup=glhaString,glhaStringError skipwhite
" external "how"
syn match glhaExternal /\%([[:alnum:]_.:-]\)\@1<!external\ze\s*"/ contained nextgroup=glhaString,glhaStringError skipwhite
" ocf "provider" "type", systemd "unit", lsb "script", stonith "fence_agent"
syn match glhaAgent /\%([[:alnum:]_.:-]\)\@1<!\%(ocf\|systemd\|lsb\|stonith\)\%([[:alnum:]_.-]\)\@!\ze\s*"/ contained nextgroup=glhaAgentString,glhaStringError skipwhite
syn region glhaAgentString start=/"/ skip=/\\./ end=/"/ oneline contained contains=glhaEscape,glhaEscapeError nextgroup=glhaString,glhaStringError skipwhite
" secret env "NAME", secret file "/path"
syn match glhaSecret /\%([[:alnum:]_.:-]\)\@1<!secret\ze\s\+\%(env\|file\)\s*"/ contained nextgroup=glhaSecretSource skipwhite
syn match glhaSecretSource /\%(env\|file\)/ contained nextgroup=glhaString,glhaStringError skipwhite

" [a, b] and [a b]; may span lines and hold comments
syn region glhaList matchgroup=glhaListDelim start=/\[/ end=/]/ contained contains=@glhaValue,glhaListError,glhaComma,glhaComment fold
syn match glhaComma /,/ contained

hi def link glhaComment      Comment
hi def link glhaKey          Identifier
hi def link glhaAssign       Operator
hi def link glhaImport       Include
hi def link glhaRelease      PreProc
hi def link glhaDirective    PreProc
hi def link glhaBlockKind    Structure
hi def link glhaBlockLabel   Function
hi def link glhaBrace        Delimiter
hi def link glhaListDelim    Delimiter
hi def link glhaComma        Delimiter
hi def link glhaWord         Constant
hi def link glhaBoolean      Boolean
hi def link glhaReference    Function
hi def link glhaNumber       Number
hi def link glhaDuration     Number
hi def link glhaUnit         Special
hi def link glhaAddress      Number
hi def link glhaPrefix       Special
hi def link glhaString       String
hi def link glhaAgentString  String
hi def link glhaEscape       SpecialChar
hi def link glhaWaived       Keyword
hi def link glhaExternal     Keyword
hi def link glhaAgent        Type
hi def link glhaSecret       Keyword
hi def link glhaSecretSource StorageClass
hi def link glhaItemError    Error
hi def link glhaBracketError Error
hi def link glhaMissingValue Error
hi def link glhaValueError   Error
hi def link glhaListError    Error
hi def link glhaStringError  Error
hi def link glhaEscapeError  Error

let b:current_syntax = 'glha'
let &cpo = s:cpo_save
unlet s:cpo_save
