"""What search engines are given: sitemap.xml (an index of paged sections) and robots.txt.

The topic pages' own head tags (canonical, Open Graph, JSON-LD) live with the topic page in
community/structured_data.py. docs/seo.md describes both."""
