package org.stickyroute.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * stickyroute-bom manages exactly the published modules: every reactor module that does not opt out of
 * publishing ({@code maven.deploy.skip}) and is not the BOM itself, with the reactor's version. (It lives
 * here because this module sees the whole repository; the README tells users to import the BOM.)
 */
class BomCompletenessTest {
  private static final Path ROOT = JavaSnippetsTest.ROOT;

  @Test
  void theBomManagesEveryPublishedModule() throws Exception {
    Document parent = parse(ROOT.resolve("pom.xml"));
    String version = text(parent.getDocumentElement(), "version");
    TreeSet<String> published = new TreeSet<>();
    for (Element module : children(child(parent.getDocumentElement(), "modules"), "module")) {
      Document pom = parse(ROOT.resolve(module.getTextContent().strip()).resolve("pom.xml"));
      Element project = pom.getDocumentElement();
      Element properties = child(project, "properties");
      boolean skipped = properties != null && "true".equals(text(properties, "maven.deploy.skip"));
      String artifactId = text(project, "artifactId");
      if (!skipped && !artifactId.equals("stickyroute-bom")) {
        published.add(artifactId);
      }
    }
    assertTrue(published.contains("stickyroute-core") && published.contains("stickyroute-servlet"), published::toString);

    Element bom = parse(ROOT.resolve("bom/pom.xml")).getDocumentElement();
    assertEquals(version, text(bom, "version"), "stickyroute-bom's version follows stickyroute-parent's");
    TreeSet<String> managed = new TreeSet<>();
    for (Element d : children(child(child(bom, "dependencyManagement"), "dependencies"), "dependency")) {
      assertEquals("org.stickyroute", text(d, "groupId"));
      assertEquals("${project.version}", text(d, "version"), text(d, "artifactId"));
      managed.add(text(d, "artifactId"));
    }
    assertEquals(published, managed, "bom/pom.xml must manage every published module (and only those)");
  }

  private static Document parse(Path pom) throws Exception {
    return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
  }

  private static Element child(Element parent, String name) {
    List<Element> c = children(parent, name);
    return c.isEmpty() ? null : c.get(0);
  }

  private static String text(Element parent, String name) {
    Element c = child(parent, name);
    return c == null ? null : c.getTextContent().strip();
  }

  private static List<Element> children(Element parent, String name) {
    List<Element> out = new ArrayList<>();
    NodeList nodes = parent.getChildNodes();
    for (int i = 0; i < nodes.getLength(); i++) {
      Node n = nodes.item(i);
      if (n instanceof Element e && e.getTagName().equals(name)) {
        out.add(e);
      }
    }
    return out;
  }
}
