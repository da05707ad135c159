package io.ispcache.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.File;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** config/production.conf documents every setting, at its default unless the template says otherwise. */
class ProductionTemplateTest {
  /** Settings the template fills with a node's own values ("Template:" in its comments). */
  static final Set<String> TEMPLATE_VALUES = Set.of("ispcache.data-dir", "ispcache.store.drives", "ispcache.peer.interface");

  @Test
  void everySettingOfEveryModuleIsInTheTemplateAtItsDefault() {
    Config template = ConfigFactory.parseFile(new File("../config/production.conf")).resolve();
    Config reference = ConfigFactory.parseResources(getClass().getClassLoader(), "reference.conf").resolve();
    java.util.List<String> wrong = new java.util.ArrayList<>();
    for (Map.Entry<String, ?> e : reference.getConfig("ispcache").entrySet()) {
      String path = "ispcache." + e.getKey();
      if (path.equals("ispcache.origins")) {
        continue; // in origins.conf, which the template includes
      }
      if (!template.hasPath(path)) {
        wrong.add(path + " is not documented");
      } else if (!TEMPLATE_VALUES.contains(path) && !reference.getValue(path).unwrapped().equals(template.getValue(path).unwrapped())) {
        wrong.add(path + " = " + template.getValue(path).unwrapped() + " differs from its default " + reference.getValue(path).unwrapped());
      }
    }
    assertEquals(java.util.List.of(), wrong, "config/production.conf against the modules' reference.conf");
    assertTrue(template.getList("ispcache.origins").size() > 0, "origins.conf included");
  }
}
