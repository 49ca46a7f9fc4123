package model

import (
	"strings"

	"golang.org/x/net/html"
)

// blockTags are the HTML elements that separate words; other tags (b, i,
// span…) may sit inside a word, as spammers use them to split one.
var blockTags = map[string]bool{
	"br": true, "p": true, "div": true, "li": true, "ul": true, "ol": true, "tr": true, "td": true,
	"th": true, "table": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"blockquote": true, "pre": true, "hr": true, "img": true, "a": true,
}

// plainText strips HTML tags and decodes entities, returning the text and
// the href targets of links. Text without '<' or '&' is returned as is.
//
// With unhide, the text of elements styled to be invisible (display:none,
// visibility:hidden, font-size:0, the hidden attribute) is moved to the end
// of the text, and hid reports that there was some: spammers put junk
// letters in a hidden span inside a word ("mo<span
// style=display:none>xq</span>ney") so that the filter sees a word the
// reader does not. The hidden text is kept, not dropped, so that hiding
// the spam itself behind a never-closed tag gains nothing.
func plainText(s string, unhide bool) (text string, hrefs []string, hid bool) {
	if !strings.ContainsAny(s, "<&") {
		return s, nil, false
	}
	var b, hidden strings.Builder
	z := html.NewTokenizer(strings.NewReader(s))
	skip := 0          // inside <script> or <style>
	var hideTag string // the element whose text is hidden, while inside it
	hideNest := 0      // elements of that name open inside it, itself included
	for {
		switch z.Next() {
		case html.ErrorToken:
			if hidden.Len() > 0 {
				b.WriteByte(' ')
				b.WriteString(hidden.String())
			}
			return b.String(), hrefs, hidden.Len() > 0
		case html.TextToken:
			switch {
			case skip > 0:
			case hideTag != "":
				hidden.Write(z.Text())
			default:
				b.Write(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			tok := z.Token()
			switch tok.Data {
			case "script", "style":
				skip = unreadDepth(tok, skip)
			case "a":
				for _, a := range tok.Attr {
					if a.Key == "href" {
						hrefs = append(hrefs, a.Val)
					}
				}
			}
			if unhide {
				switch {
				case hideTag == "" && tok.Type == html.StartTagToken && isHidden(tok):
					hideTag, hideNest = tok.Data, 1
					hidden.WriteByte(' ')
					continue
				case tok.Data == hideTag && tok.Type == html.StartTagToken:
					hideNest++
				case tok.Data == hideTag && tok.Type == html.EndTagToken:
					if hideNest--; hideNest == 0 {
						hideTag = ""
						hidden.WriteByte(' ')
						continue
					}
				}
			}
			if blockTags[tok.Data] {
				if hideTag != "" {
					hidden.WriteByte(' ')
				} else {
					b.WriteByte(' ')
				}
			}
		}
	}
}

// voidTags are the HTML elements that have no end tag, so no text of
// their own to hide.
var voidTags = map[string]bool{
	"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true, "img": true,
	"input": true, "link": true, "meta": true, "source": true, "track": true, "wbr": true,
}

// isHidden reports whether an element's attributes make its text
// invisible.
func isHidden(tok html.Token) bool {
	if voidTags[tok.Data] {
		return false
	}
	for _, a := range tok.Attr {
		switch a.Key {
		case "hidden":
			return true
		case "style":
			st := strings.ReplaceAll(strings.ToLower(a.Val), " ", "")
			if strings.Contains(st, "display:none") || strings.Contains(st, "visibility:hidden") ||
				strings.Contains(st, "font-size:0;") || strings.HasSuffix(st, "font-size:0") ||
				strings.Contains(st, "font-size:0px") {
				return true
			}
		}
	}
	return false
}

// unreadDepth returns how deep the tokenizer is inside elements whose text
// no reader sees (script, style) after tok, one of them, at depth.
func unreadDepth(tok html.Token, depth int) int {
	switch {
	case tok.Type == html.StartTagToken:
		return depth + 1
	case tok.Type == html.EndTagToken && depth > 0:
		return depth - 1
	}
	return depth
}
